"""Which region's crisis lines to show, from the browser's Accept-Language header."""

from __future__ import annotations


def locale_from_accept_language(header: str | None) -> str | None:
    """The first preferred language tag that names a region with known crisis lines (e.g. en-GB).

    Only a hint: a bare language (en, zh) gives None so the safety layer's default for the
    conversation's language applies; `Settings.locale` overrides it altogether.
    """
    from carellm.safety.resources import HOTLINES

    known = {name.lower(): name for name in HOTLINES}
    for part in (header or "").split(","):
        tag = part.split(";")[0].strip().replace("_", "-").lower()
        if tag in known:
            return known[tag]
    return None
