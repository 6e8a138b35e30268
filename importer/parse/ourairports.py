"""OurAirports CSV files (airports, runways, airport-frequencies, regions)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from api.models.enums import DataSource, FacilityType
from importer.parse.csvfile import Row, open_text, read_rows
from importer.parse.frequencies import parse_frequency
from importer.parse.nasr import NASR_COUNTRIES
from importer.parse.records import (
    AirportRecord,
    FrequencyRecord,
    ParseWarnings,
    RunwayEndRecord,
    RunwayRecord,
)

AIRPORTS_FILE = "airports.csv"
RUNWAYS_FILE = "runways.csv"
FREQUENCIES_FILE = "airport-frequencies.csv"
REGIONS_FILE = "regions.csv"
FILES = (AIRPORTS_FILE, RUNWAYS_FILE, FREQUENCIES_FILE, REGIONS_FILE)
ALL_COUNTRIES = "ALL"

TYPES = {
    "small_airport": FacilityType.AIRPORT,
    "medium_airport": FacilityType.AIRPORT,
    "large_airport": FacilityType.AIRPORT,
    "heliport": FacilityType.HELIPORT,
    "seaplane_base": FacilityType.SEAPLANE_BASE,
    "balloonport": FacilityType.BALLOONPORT,
}
_SIZES = {"small_airport": "small", "medium_airport": "medium", "large_airport": "large"}
_ICAO_SHAPE = re.compile(r"^[A-Z]{4}$")
_COUNTRY_CODE = re.compile("[A-Z]{2}")


@dataclass(slots=True)
class OurAirportsData:
    airports: dict[str, AirportRecord]
    # Frequencies of airports NASR owns, keyed by their FAA identifier, for cycles whose NASR
    # archive carries no FRQ table.
    nasr_frequencies: dict[str, list[FrequencyRecord]]
    # What OurAirports says of the size and service of airports NASR owns (the FAA has no size).
    nasr_service: dict[str, tuple[str | None, bool]] = field(default_factory=dict)
    warnings: ParseWarnings = field(default_factory=ParseWarnings)


def parse_countries(value: str) -> frozenset[str] | None:
    """``CA,MX`` → {"CA", "MX"}; ``ALL`` → None (every country); ``""`` → none.

    Raises ValueError for anything but two-letter country codes.
    """
    codes = {part.strip().upper() for part in value.split(",") if part.strip()}
    if ALL_COUNTRIES in codes:
        return None
    invalid = sorted(code for code in codes if not _COUNTRY_CODE.fullmatch(code))
    if invalid:
        raise ValueError(
            f"{', '.join(invalid)}: expected two-letter country codes (ISO 3166-1), or ALL."
        )
    return frozenset(codes)


def _regions(path: Path) -> dict[str, str]:
    with open_text(path) as stream:
        return {
            row.text("code").upper(): row.text("name")
            for row in read_rows(stream, REGIONS_FILE, ("code", "name"))
        }


def _icao(row: Row) -> str | None:
    if "icao_code" in _header(row):
        return row.text("icao_code").upper() or None
    ident = row.text("ident").upper()
    return ident if _ICAO_SHAPE.match(ident) else None


def _scheduled(row: Row) -> bool:
    return row.text("scheduled_service").lower() == "yes"


def _header(row: Row) -> Collection[str]:
    return row._columns


def _airport(row: Row, regions: dict[str, str], facility_type: FacilityType) -> AirportRecord:
    code = (row.text("ident") or row.text("local_code")).upper()
    if not code:
        raise row.fail("ident", "neither ident nor local_code is given.")
    region = row.text("iso_region").upper()
    return AirportRecord(
        code=code,
        icao_code=_icao(row),
        name=row.required_text("name"),
        facility_type=facility_type,
        # OurAirports does not say who may use a field: left unknown rather than guessed.
        facility_use=None,
        ownership_type=None,
        status=None,
        latitude=row.required_float("latitude_deg", -90, 90),
        longitude=row.required_float("longitude_deg", -180, 180),
        elevation_ft=row.optional_int("elevation_ft"),
        city=row.text("municipality").upper() or None,
        state=regions.get(region) or None,
        country=row.text("iso_country").upper() or None,
        city_distance_nm=None,
        sectional=None,
        fuel_types=[],
        activation_date=None,
        tower_type=None,
        landing_fee=None,
        data_source=DataSource.OUR_AIRPORTS,
        source_id=row.required_text("id"),
        size=_SIZES.get(row.text("type")),
        scheduled_service=_scheduled(row),
    )


def _runway_end(row: Row, prefix: str) -> RunwayEndRecord | None:
    end_id = row.text(f"{prefix}_ident")
    if not end_id:
        return None
    return RunwayEndRecord(
        end_id=end_id,
        true_heading=row.optional_float(f"{prefix}_heading_degT"),
        latitude=row.optional_float(f"{prefix}_latitude_deg"),
        longitude=row.optional_float(f"{prefix}_longitude_deg"),
        elevation_ft=row.optional_float(f"{prefix}_elevation_ft"),
        displaced_threshold_ft=row.optional_int(f"{prefix}_displaced_threshold_ft"),
    )


def _runway(row: Row) -> RunwayRecord | None:
    ends = [end for end in (_runway_end(row, "le"), _runway_end(row, "he")) if end]
    if not ends:
        return None
    return RunwayRecord(
        number="/".join(end.end_id for end in ends),
        length_ft=row.optional_int("length_ft"),
        width_ft=row.optional_int("width_ft"),
        surface=row.text("surface").upper() or None,
        condition=None,
        lights=None,
        lighted=row.text("lighted") == "1",
        ends=ends,
    )


def parse_ourairports(directory: Path, countries: frozenset[str] | None) -> OurAirportsData:
    """Parse the OurAirports files for ``countries`` (None: every country NASR does not cover).

    Closed airports and closed runways are skipped. Rows of NASR countries are never imported,
    but their frequencies are kept for the FAA airport with the same local identifier.
    """
    warnings = ParseWarnings()
    regions = _regions(directory / REGIONS_FILE)
    airports: dict[str, AirportRecord] = {}
    by_ref: dict[str, AirportRecord] = {}
    nasr_code_by_ref: dict[str, str] = {}
    nasr_service: dict[str, tuple[str | None, bool]] = {}

    with open_text(directory / AIRPORTS_FILE) as stream:
        required = ("id", "ident", "type", "name", "latitude_deg", "longitude_deg", "iso_country")
        for row in read_rows(stream, AIRPORTS_FILE, required):
            country = row.text("iso_country").upper()
            if country in NASR_COUNTRIES:
                local = (row.text("local_code") or row.text("ident")).upper()
                if local:
                    nasr_code_by_ref[row.text("id")] = local
                    size, scheduled = _SIZES.get(row.text("type")), _scheduled(row)
                    if size or scheduled:
                        nasr_service[local] = (size, scheduled)
                continue
            if countries is not None and country not in countries:
                continue
            kind = row.text("type")
            if kind == "closed":
                warnings.add("closed OurAirports airports skipped")
                continue
            facility_type = TYPES.get(kind)
            if facility_type is None:
                warnings.add(f"OurAirports airports of unknown type {kind!r} skipped")
                continue
            airport = _airport(row, regions, facility_type)
            if airport.code in airports:
                warnings.add("OurAirports duplicate identifiers (first kept)")
                continue
            airports[airport.code] = airport
            by_ref[airport.source_id] = airport

    with open_text(directory / RUNWAYS_FILE) as stream:
        for row in read_rows(stream, RUNWAYS_FILE, ("airport_ref", "le_ident", "closed")):
            parent = by_ref.get(row.text("airport_ref"))
            if parent is None:
                continue
            if row.text("closed") == "1":
                warnings.add("closed OurAirports runways skipped")
                continue
            runway = _runway(row)
            if runway is None or any(r.number == runway.number for r in parent.runways):
                warnings.add("OurAirports runways without identifier or duplicated skipped")
                continue
            parent.runways.append(runway)

    nasr_frequencies: dict[str, list[FrequencyRecord]] = {}
    frequencies_path = directory / FREQUENCIES_FILE
    if frequencies_path.exists():
        with open_text(frequencies_path) as stream:
            columns = ("airport_ref", "type", "frequency_mhz")
            for row in read_rows(stream, FREQUENCIES_FILE, columns):
                ref = row.text("airport_ref")
                parent = by_ref.get(ref)
                nasr_code = nasr_code_by_ref.get(ref)
                if parent is None and nasr_code is None:
                    continue
                frequency = parse_frequency(
                    row.text("type"), row.text("frequency_mhz"), row.optional_text("description")
                )
                if frequency is None:
                    warnings.add("frequencies outside the aviation bands")
                elif parent is not None:
                    parent.frequencies.append(frequency)
                elif nasr_code is not None:
                    nasr_frequencies.setdefault(nasr_code, []).append(frequency)
    return OurAirportsData(airports, nasr_frequencies, nasr_service, warnings)
