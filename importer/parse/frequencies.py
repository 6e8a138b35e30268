"""Radio frequencies: normalised use names and a sanity check of the band."""

from __future__ import annotations

import re

from importer.parse.records import FrequencyRecord

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# The VHF air band (navigation, voice, military VHF) and the UHF military air band.
_BANDS = ((108.0, 144.0), (225.0, 400.0))


def parse_frequency(use: str, value: str, description: str | None) -> FrequencyRecord | None:
    """A frequency record, or None when the value is not in an aviation band."""
    match = _NUMBER.search(value)
    if match is None:
        return None
    mhz = float(match.group())
    if not any(low <= mhz <= high for low, high in _BANDS):
        return None
    return FrequencyRecord(
        use=use.strip().upper() or "OTHER", frequency_mhz=mhz, description=description or None
    )
