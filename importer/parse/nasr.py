"""The FAA NASR airport CSV archive (APT_BASE, APT_RWY, APT_RWY_END, APT_RMK, FRQ)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar, cast

from api.models.enums import (
    MILITARY_OWNERSHIP,
    AirportStatus,
    DataSource,
    FacilityType,
    FacilityUse,
    OwnershipType,
)
from importer.parse.csvfile import DataFileError, Row, open_archive, open_member, read_rows
from importer.parse.frequencies import parse_frequency
from importer.parse.importance import has_scheduled_service
from importer.parse.records import (
    AirportRecord,
    FrequencyRecord,
    ParseWarnings,
    RemarkRecord,
    RunwayEndRecord,
    RunwayRecord,
)

ENCODING = "latin-1"
BASE_FILE, RUNWAY_FILE, RUNWAY_END_FILE, REMARK_FILE, FREQUENCY_FILE = (
    "APT_BASE.csv",
    "APT_RWY.csv",
    "APT_RWY_END.csv",
    "APT_RMK.csv",
    "FRQ.csv",
)
REQUIRED_MEMBERS = (BASE_FILE, RUNWAY_FILE, REMARK_FILE)

# NASR is authoritative for the United States and the territories and freely associated states
# it charts; its other foreign rows are border facilities the FAA says not to rely on.
NASR_COUNTRIES = frozenset({"US", "PR", "VI", "GU", "AS", "MP", "UM", "MH", "FM", "PW"})

SITE_TYPES = {
    "A": FacilityType.AIRPORT,
    "B": FacilityType.BALLOONPORT,
    "C": FacilityType.SEAPLANE_BASE,
    "G": FacilityType.GLIDERPORT,
    "H": FacilityType.HELIPORT,
    "U": FacilityType.ULTRALIGHT,
}
_KEY = ("SITE_NO", "SITE_TYPE_CODE")
# Checked in the header, so that a renamed column is not reported as an empty field of each row.
_BASE_COLUMNS = (*_KEY, "ARPT_ID", "ARPT_NAME", "LAT_DECIMAL", "LONG_DECIMAL")
_UNLIT = frozenset({"", "NONE"})


@dataclass(slots=True)
class NasrData:
    airports: dict[str, AirportRecord]
    effective_date: str | None
    has_frequencies: bool
    warnings: ParseWarnings = field(default_factory=ParseWarnings)


@lru_cache(maxsize=1)
def _icao_fallback() -> dict[str, str]:
    path = Path(__file__).resolve().parents[1] / "data" / "faa_to_icao.json"
    mapping: dict[str, str] = json.loads(path.read_text())
    return mapping


_Code = TypeVar("_Code", FacilityUse, OwnershipType, AirportStatus)


def _enum_or_fail(row: Row, column: str, enum: type[_Code]) -> _Code | None:
    value = row.text(column).upper()
    if not value:
        return None
    # A dict lookup: calling the enum class costs ten times more, on every row.
    member = enum._value2member_map_.get(value)
    if member is None:
        raise row.fail(column, f"{value!r} is not a known code.")
    return cast(_Code, member)


def _airport(row: Row) -> AirportRecord:
    code = row.required_text("ARPT_ID").upper()
    site_type = row.required_text("SITE_TYPE_CODE").upper()
    if site_type not in SITE_TYPES:
        raise row.fail("SITE_TYPE_CODE", f"{site_type!r} is not a known facility type.")
    ownership = _enum_or_fail(row, "OWNERSHIP_TYPE_CODE", OwnershipType)
    facility_type = (
        FacilityType.MILITARY if ownership in MILITARY_OWNERSHIP else SITE_TYPES[site_type]
    )
    icao = row.text("ICAO_ID").upper() or _icao_fallback().get(code)
    fuel = [part.strip() for part in row.text("FUEL_TYPES").split(",") if part.strip()]
    return AirportRecord(
        code=code,
        icao_code=icao or None,
        name=row.required_text("ARPT_NAME"),
        facility_type=facility_type,
        facility_use=_enum_or_fail(row, "FACILITY_USE_CODE", FacilityUse),
        ownership_type=ownership,
        status=_enum_or_fail(row, "ARPT_STATUS", AirportStatus),
        latitude=row.required_float("LAT_DECIMAL", -90, 90),
        longitude=row.required_float("LONG_DECIMAL", -180, 180),
        elevation_ft=row.optional_int("ELEV"),
        city=row.text("CITY").upper() or None,
        state=(row.text("COUNTY_ASSOC_STATE") or row.text("STATE_CODE")).upper() or None,
        country="US"
        if row.text("COUNTRY_CODE").upper() in ("", "US")
        else row.text("COUNTRY_CODE").upper(),
        city_distance_nm=row.optional_float("DIST_CITY_TO_AIRPORT"),
        sectional=row.optional_text("CHART_NAME"),
        fuel_types=fuel,
        activation_date=row.optional_year_month("ACTIVATION_DATE"),
        tower_type=row.optional_text("TWR_TYPE_CODE"),
        landing_fee=row.flag("LNDG_FEE_FLAG"),
        data_source=DataSource.FAA,
        source_id=f"{row.text('SITE_NO')}*{site_type}",
        scheduled_service=has_scheduled_service(row.text("FAR_139_TYPE_CODE")),
    )


def _runway(row: Row) -> RunwayRecord:
    lights = row.text("RWY_LGT_CODE").upper()
    return RunwayRecord(
        number=row.required_text("RWY_ID"),
        length_ft=row.optional_int("RWY_LEN", low=0),
        width_ft=row.optional_int("RWY_WIDTH", low=0),
        surface=row.text("SURFACE_TYPE_CODE").upper() or None,
        condition=row.text("COND").upper() or None,
        lights=lights or None,
        lighted=lights not in _UNLIT,
    )


def _runway_end(row: Row) -> RunwayEndRecord:
    return RunwayEndRecord(
        end_id=row.required_text("RWY_END_ID"),
        true_heading=row.optional_float("TRUE_ALIGNMENT"),
        latitude=row.optional_float("LAT_DECIMAL"),
        longitude=row.optional_float("LONG_DECIMAL"),
        elevation_ft=row.optional_float("RWY_END_ELEV"),
        displaced_threshold_ft=row.optional_int("DISPLACED_THR_LEN"),
        right_traffic=row.flag("RIGHT_HAND_TRAFFIC_PAT_FLAG"),
        approach_lights=row.optional_text("APCH_LGT_SYSTEM_CODE"),
        visual_glide_slope=row.optional_text("VGSI_CODE"),
    )


def _site_key(row: Row) -> tuple[str, str]:
    return row.text(_KEY[0]), row.text(_KEY[1]).upper()


def parse_nasr_archive(path: Path) -> NasrData:
    """Parse the airport tables of a NASR CSV archive, by column name, latin-1."""
    warnings = ParseWarnings()
    by_site: dict[tuple[str, str], AirportRecord] = {}
    airports: dict[str, AirportRecord] = {}
    effective_date: str | None = None
    with open_archive(path) as archive:
        members = set(archive.namelist())
        for member in REQUIRED_MEMBERS:
            if member not in members:
                raise DataFileError(f"{path.name} lacks the member {member}.")

        with open_member(archive, BASE_FILE, ENCODING) as stream:
            for row in read_rows(stream, BASE_FILE, _BASE_COLUMNS):
                effective_date = effective_date or row.optional_text("EFF_DATE")
                if row.text("COUNTRY_CODE").upper() not in NASR_COUNTRIES | {""}:
                    warnings.add("NASR foreign facilities left to OurAirports")
                    continue
                airport = _airport(row)
                if airport.code in airports:
                    warnings.add("NASR duplicate identifiers (first kept)")
                    continue
                airports[airport.code] = airport
                by_site[_site_key(row)] = airport

        runways: dict[tuple[str, str, str], RunwayRecord] = {}
        with open_member(archive, RUNWAY_FILE, ENCODING) as stream:
            for row in read_rows(stream, RUNWAY_FILE, (*_KEY, "RWY_ID")):
                parent = by_site.get(_site_key(row))
                if parent is None:
                    continue
                runway = _runway(row)
                if any(existing.number == runway.number for existing in parent.runways):
                    warnings.add("NASR duplicate runways (first kept)")
                    continue
                parent.runways.append(runway)
                runways[(*_site_key(row), runway.number)] = runway

        if RUNWAY_END_FILE in members:
            with open_member(archive, RUNWAY_END_FILE, ENCODING) as stream:
                for row in read_rows(stream, RUNWAY_END_FILE, (*_KEY, "RWY_ID", "RWY_END_ID")):
                    owner = runways.get((*_site_key(row), row.text("RWY_ID")))
                    if owner is not None:
                        owner.ends.append(_runway_end(row))

        with open_member(archive, REMARK_FILE, ENCODING) as stream:
            for row in read_rows(stream, REMARK_FILE, (*_KEY, "REMARK")):
                parent = by_site.get(_site_key(row))
                text = row.text("REMARK")
                if parent is None or not text:
                    continue
                element = (
                    row.text("LEGACY_ELEMENT_NUMBER")
                    or row.text("ELEMENT")
                    or row.text("REF_COL_NAME")
                    or "GENERAL"
                )
                parent.remarks.append(RemarkRecord(element=element, text=text))

        has_frequencies = FREQUENCY_FILE in members
        if has_frequencies:
            with open_member(archive, FREQUENCY_FILE, ENCODING) as stream:
                for row in read_rows(stream, FREQUENCY_FILE, ("SERVICED_FACILITY", "FREQ")):
                    parent = airports.get(row.text("SERVICED_FACILITY").upper())
                    if parent is None:
                        continue
                    frequency = parse_frequency(
                        row.text("FREQ_USE") or row.text("FACILITY_TYPE"),
                        row.text("FREQ"),
                        row.text("TOWER_OR_COMM_CALL") or row.text("REMARK"),
                    )
                    if frequency is None:
                        warnings.add("frequencies outside the aviation bands")
                        continue
                    parent.frequencies.append(frequency)
    return NasrData(airports, effective_date, has_frequencies, warnings)


__all__ = ["NASR_COUNTRIES", "FrequencyRecord", "NasrData", "parse_nasr_archive"]
