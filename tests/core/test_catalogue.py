"""The catalogues exported to clients agree with what the database accepts."""

from __future__ import annotations

from api.core.catalogue import ADDABLE_TAGS, FACILITY_TYPES, POPULATED, TAGS, TAGS_BY_NAME
from api.models.enums import FacilityType, TagName


def test_every_stored_tag_is_in_the_catalogue_and_only_populated_is_not_stored() -> None:
    assert {tag.name for tag in TAGS} == {name.value for name in TagName} | {POPULATED}
    assert len(TAGS) == len(TAGS_BY_NAME)


def test_crew_car_is_an_addable_tag_beside_car_rental() -> None:
    assert {"car", "crew_car"} <= set(ADDABLE_TAGS)
    assert TAGS_BY_NAME["car"].label == "Car Rental"
    assert TAGS_BY_NAME["crew_car"].label == "Crew Car"


def test_every_facility_type_is_described_once_and_airports_are_shown_by_default() -> None:
    assert [kind.name for kind in FACILITY_TYPES] == [kind.value for kind in FacilityType]
    assert [kind.name for kind in FACILITY_TYPES if kind.default] == ["airport"]
