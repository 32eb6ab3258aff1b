"""Licences of the supported corpora and whether they allow commercial use.

Carried on every record so that a mixed set can say what it is built from, and so that
`mix --commercial` can refuse non-commercial sources. Values come from each dataset's own
card/repository; see docs/data.md before relying on them legally.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    id: str
    commercial: bool
    note: str = ""


LICENCES: dict[str, Licence] = {
    lic.id: lic
    for lic in (
        Licence("apache-2.0", True),
        Licence("mit", True),
        Licence("cc-by-4.0", True),
        Licence("cc-by-sa-4.0", True),
        Licence("cc0-1.0", True),
        Licence("openrail", True, "use-based restrictions apply"),
        Licence("cc-by-nc-4.0", False),
        Licence("cc-by-nc-sa-4.0", False),
        Licence("research-only", False, "released on application (e.g. SNAP counseling)"),
    )
}

# Default licence per built-in converter (overridable with --license).
SOURCE_LICENCES: dict[str, str] = {
    "soulchat": "apache-2.0",  # scutcyr/SoulChatCorpus card
    "empathetic_dialogues": "cc-by-nc-4.0",  # facebookresearch/EmpatheticDialogues LICENSE
    "goemotions": "apache-2.0",  # google-research-datasets/go_emotions card
    "amod": "openrail",  # Amod/mental_health_counseling_conversations card
    "esconv": "cc-by-nc-4.0",  # thu-coai/Emotional-Support-Conversation LICENSE
}


def allows_commercial(licence_id: str) -> bool | None:
    """True/False for a known licence, None when unknown (callers treat unknown as a refusal)."""
    lic = LICENCES.get(licence_id.lower())
    return None if lic is None else lic.commercial
