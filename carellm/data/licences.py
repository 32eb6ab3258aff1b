"""Which licence each known dataset is released under, and whether it allows commercial use.

Every record carries its licence id, so a mixed or exported set can always say what it is
made of. `commercial_use(licence)` is deliberately conservative: an unknown licence, or one
that we could not verify here, counts as "not allowed" when a set is marked commercial.
This is engineering bookkeeping, not legal advice: read each dataset's own terms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    id: str
    commercial: bool | None  # None: unknown or unverified, treated as not allowed
    note: str = ""


LICENCES: dict[str, Licence] = {
    lic.id: lic
    for lic in (
        Licence("apache-2.0", True),
        Licence("mit", True),
        Licence("cc0-1.0", True),
        Licence("cc-by-4.0", True),
        Licence("cc-by-sa-4.0", True, "share-alike: derived data must keep the licence"),
        Licence("cc-by-nc-4.0", False),
        Licence("cc-by-nc-sa-4.0", False),
        Licence("openrail", None, "use restrictions apply; review before commercial use"),
        Licence("research-only", False, "released for research on application (e.g. SNAP counseling)"),
        Licence("user-provided", None, "the user's own data: its owner decides"),
        Licence("unknown", None),
    )
}

# The datasets the converters read, with the licence their publishers declare.
DATASET_LICENCES: dict[str, str] = {
    "soulchat": "apache-2.0",  # scutcyr/SoulChatCorpus dataset card
    "empathetic_dialogues": "cc-by-nc-4.0",  # facebookresearch/EmpatheticDialogues LICENSE
    "goemotions": "apache-2.0",  # google-research/goemotions
    "amod": "openrail",  # Amod/mental_health_counseling_conversations card; not verified offline
    "esconv": "cc-by-nc-4.0",  # thu-coai/esconv card; the repo adds "academic research use only"
}


def licence_for(source: str) -> str:
    return DATASET_LICENCES.get(source, "unknown")


def commercial_use(licence: str) -> bool:
    """True only when the licence is known to allow commercial use."""
    known = LICENCES.get(licence.lower())
    return bool(known and known.commercial)


def non_commercial(licences: dict[str, int]) -> list[str]:
    """The licences in a {licence: count} summary that block a commercial set."""
    return sorted(lic for lic in licences if not commercial_use(lic))
