"""Names as a pilot reads them: the FAA publishes names and cities in capitals."""

from __future__ import annotations

import re
import uuid
from functools import lru_cache

from titlecase import titlecase

# Kept in capitals: military and government bodies, radio aids, roman numerals and the like.
ACRONYMS = frozenset(
    {
        "AAF", "AFB", "AFS", "AHP", "ANG", "ARB", "CG", "CGAS", "DC", "DME", "EMS", "FAA",
        "FBO", "II", "III", "IV", "JRB", "LLC", "MCAF", "MCAS", "NAF", "NAS", "NAWS", "NDB",
        "NOLF", "NWS", "OLF", "RV", "SPB", "STOL", "TV", "UAS", "US", "USA", "USAF", "USFS",
        "USMC", "USN", "VI", "VOR", "VORTAC", "XX",
    }
)  # fmt: skip
_VOWEL = re.compile("[AEIOUY]")
_ORDINAL = re.compile(r"\d+(ST|ND|RD|TH)", re.IGNORECASE)


def _word(word: str, all_caps: bool = False, **_: object) -> str | None:
    upper = word.upper()
    if upper in ACRONYMS:
        return upper
    # Identifiers such as 0S9 or W16, but not ordinals (2ND → 2nd).
    if any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
        return None if _ORDINAL.fullmatch(word) else upper
    # The FAA's own abbreviations (FLD, RGNL, HBR) read as words: Fld, Rgnl, Hbr.
    if word.isalpha() and not _VOWEL.search(upper):
        return word.capitalize()
    return None


@lru_cache(maxsize=65_536)
def _title(text: str) -> str:
    titled: str = titlecase(text.lower(), callback=_word)
    return titled


def display_name(text: str) -> str:
    """``SEATTLE PAINE FIELD INTL`` → ``Seattle Paine Field Intl``; text in mixed case (as
    OurAirports and pilots write it) is left as it is."""
    if text != text.upper() or not any(character.isalpha() for character in text):
        return text
    return _title(text)


def display_optional(text: str | None) -> str | None:
    """``display_name`` of a value that may be missing."""
    return display_name(text) if text else text


def normalise_code(value: str) -> tuple[str, uuid.UUID | None, str | None]:
    """The code to look up, the id if ``value`` is a UUID, and the FAA code of a K-ICAO code."""
    text = value.strip()
    try:
        airport_id: uuid.UUID | None = uuid.UUID(text)
    except ValueError:
        airport_id = None
    code = text.upper()
    # CONUS ICAO codes are K + the FAA identifier: KPAE finds PAE.
    k_code = code[1:] if len(code) == 4 and code.startswith("K") else None
    return code, airport_id, k_code
