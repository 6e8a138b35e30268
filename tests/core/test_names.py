"""Names as a pilot reads them."""

from __future__ import annotations

import pytest

from api.core.names import display_name, display_optional


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ("SEATTLE PAINE FIELD INTERNATIONAL AIRPORT", "Seattle Paine Field International Airport"),
        ("SNOHOMISH COUNTY (PAINE FLD)", "Snohomish County (Paine Fld)"),
        ("BOEING FLD/KING COUNTY INTL", "Boeing Fld/King County Intl"),
        ("WRIGHT-PATTERSON AFB", "Wright-Patterson AFB"),
        ("WHIDBEY ISLAND NAS /AULT FIELD/", "Whidbey Island NAS /Ault Field/"),
        ("LAKE OF THE WOODS", "Lake of the Woods"),
        ("O'HARE INTL", "O'Hare Intl"),
        ("RAY'S 2ND FIELD", "Ray's 2nd Field"),
        ("W16 FIELD", "W16 Field"),
        ("US ARMY HELIPORT", "US Army Heliport"),
        ("FRIDAY HARBOR SPB", "Friday Harbor SPB"),
        ("GRAND FORKS RGNL", "Grand Forks Rgnl"),
        ("EVERETT", "Everett"),
    ],
)
def test_capitals_become_title_case_keeping_codes_and_acronyms(published: str, shown: str) -> None:
    assert display_name(published) == shown


@pytest.mark.parametrize(
    "written", ["Vancouver International Airport", "McCall Municipal", "0S9", "  ", "123"]
)
def test_mixed_case_and_text_without_letters_are_left_as_they_are(written: str) -> None:
    assert display_name(written) == written


def test_a_missing_value_stays_missing() -> None:
    assert display_optional(None) is None
    assert display_optional("SEATTLE") == "Seattle"
