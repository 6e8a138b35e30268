"""The OurAirports parser, on the original's fixture, the bundled sample and files built here."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from api.models.enums import DataSource, FacilityType
from importer.parse.csvfile import DataFileError
from importer.parse.ourairports import parse_countries, parse_ourairports
from importer.parse.records import FrequencyRecord, RunwayEndRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "our_airports"
SAMPLE_DATA = Path(__file__).resolve().parents[2] / "importer" / "sample_data"
CANADA = frozenset({"CA"})
FREQUENCIES_HEADER = ("id", "airport_ref", "airport_ident", "type", "description", "frequency_mhz")


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    """A copy of the original's OurAirports fixture, to add or edit files in."""
    return Path(shutil.copytree(FIXTURES, tmp_path / "our_airports"))


def test_the_original_acceptance_values_of_cyrv():
    data = parse_ourairports(FIXTURES, CANADA)

    assert list(data.airports) == ["CYRV"]
    cyrv = data.airports["CYRV"]
    assert cyrv.name == "Revelstoke Airport"
    assert (cyrv.latitude, cyrv.longitude, cyrv.elevation_ft) == (50.962245, -118.184258, 1459)
    assert (cyrv.city, cyrv.state, cyrv.country) == ("REVELSTOKE", "British Columbia", "CA")
    assert cyrv.icao_code == "CYRV"
    assert cyrv.facility_type == FacilityType.AIRPORT
    assert (cyrv.facility_use, cyrv.ownership_type, cyrv.status) == (None, None, None)
    assert cyrv.data_source == DataSource.OUR_AIRPORTS
    assert cyrv.source_id == "1896"
    assert (cyrv.city_distance_nm, cyrv.sectional, cyrv.fuel_types, cyrv.activation_date) == (
        None,
        None,
        [],
        None,
    )
    assert [(r.number, r.length_ft, r.width_ft, r.surface, r.lighted) for r in cyrv.runways] == [
        ("12/30", 4800, 75, "ASP", False)
    ]
    assert cyrv.runways[0].ends == [
        RunwayEndRecord("12", 138.0, 50.971500396728516, -118.19000244140625, 1457.0, None),
        RunwayEndRecord("30", 318.0, 50.96179962158203, -118.1760025024414, 1459.0, 300),
    ]
    assert cyrv.remarks == []
    assert cyrv.frequencies == []
    assert data.nasr_frequencies == {}
    assert data.warnings.counts == {"closed OurAirports airports skipped": 1}


@pytest.mark.parametrize("countries", [CANADA, frozenset({"CA", "US"}), None])
def test_us_airports_are_never_imported_from_ourairports(countries):
    data = parse_ourairports(FIXTURES, countries)

    assert list(data.airports) == ["CYRV"]


def test_only_the_requested_countries_are_read():
    assert parse_ourairports(FIXTURES, frozenset({"MX"})).airports == {}


def test_the_new_column_order_is_read_by_name():
    data = parse_ourairports(SAMPLE_DATA, CANADA)

    assert data.airports["CYRV"].icao_code == "CYRV"
    cyvr = data.airports["CYVR"]
    assert (cyvr.name, cyvr.icao_code, cyvr.city, cyvr.state) == (
        "Vancouver International Airport",
        "CYVR",
        "VANCOUVER",
        "British Columbia",
    )
    assert (cyvr.latitude, cyvr.longitude, cyvr.elevation_ft) == (49.193901, -123.183998, 14)
    # The closed runway XX/26A is left out.
    assert sorted((r.number, r.length_ft, r.surface, r.lighted) for r in cyvr.runways) == [
        ("08L/26R", 9940, "CON", True),
        ("08R/26L", 11500, "ASP", True),
        ("13/31", 7300, "CON", True),
    ]
    assert FrequencyRecord("TWR", 118.7, "TWR") in cyvr.frequencies
    assert [f.frequency_mhz for f in cyvr.frequencies if f.use == "TWR"] == [118.7]
    # Anahim Lake has a GPS code but no ICAO code.
    assert data.airports["CAJ4"].icao_code is None
    assert {airport.country for airport in data.airports.values()} == {"CA"}


def test_reordered_columns_give_the_same_records(fixture_dir):
    expected = parse_ourairports(FIXTURES, CANADA)
    for name in ("airports.csv", "runways.csv", "regions.csv"):
        path = fixture_dir / name
        with path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        header = ["an_unknown_column", *reversed(list(rows[0]))]
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, header, restval="")
            writer.writeheader()
            writer.writerows(rows)

    assert parse_ourairports(fixture_dir, CANADA).airports == expected.airports


def test_all_countries_skips_the_countries_nasr_covers():
    data = parse_ourairports(SAMPLE_DATA, None)

    assert len(data.airports) == len(parse_ourairports(SAMPLE_DATA, CANADA).airports)
    assert {airport.country for airport in data.airports.values()} == {"CA"}
    assert "KPAE" not in data.airports
    assert "PAE" not in data.airports


def test_us_frequencies_are_offered_to_nasr_by_local_code():
    data = parse_ourairports(SAMPLE_DATA, CANADA)

    assert data.nasr_frequencies["PAE"] == [
        FrequencyRecord("ATIS", 128.65, "ATIS"),
        FrequencyRecord("CLD", 126.75, "CLNC DEL"),
        FrequencyRecord("CNTR", 128.5, "SEATTLE CNTR"),
        FrequencyRecord("CTAF", 132.95, "CTAF"),
        FrequencyRecord("GND", 121.8, "GND"),
        FrequencyRecord("RDO", 132.96, "SEATTLE RDO"),
        FrequencyRecord("TWR", 120.2, "ACFT ARR E OF CNTRLN ORRY 16L/34R"),
        FrequencyRecord("TWR", 132.95, "ACFT ARR W OF CNTRLN ORRY 16R/34L"),
        FrequencyRecord("UNIC", 122.95, "UNICOM"),
    ]
    assert "KPAE" not in data.nasr_frequencies
    assert "CYVR" not in data.nasr_frequencies


def test_size_and_scheduled_service_are_read_for_ourairports_and_nasr_airports():
    data = parse_ourairports(SAMPLE_DATA, CANADA)

    vancouver = data.airports["CYVR"]
    assert (vancouver.size, vancouver.scheduled_service) == ("large", True)
    revelstoke = data.airports["CYRV"]
    assert (revelstoke.size, revelstoke.scheduled_service) == ("medium", False)
    assert data.airports["CBC7"].size is None  # a heliport has no size
    # The FAA has no size; OurAirports' word on NASR's airports is kept by FAA code.
    assert data.nasr_service["PAE"] == ("medium", True)
    assert data.nasr_service["SEA"] == ("large", True)
    assert "KPAE" not in data.nasr_service


def test_frequencies_outside_the_aviation_bands_are_skipped(fixture_dir, utf8_csv):
    utf8_csv(
        fixture_dir / "airport-frequencies.csv",
        FREQUENCIES_HEADER,
        [
            (1, 1896, "CYRV", "atf", "Revelstoke traffic", "122.8"),
            (2, 1896, "CYRV", "TWR", "TWR", "23.66"),
            (3, 1896, "CYRV", "A/G", "", "444.1"),
            (4, 1896, "CYRV", "MIL", "Range", "49.9"),
            (5, 1896, "CYRV", "UHF", "", "243"),
            (6, 1896, "CYRV", "", "", "not given"),
            (7, 3763, "KPAE", "TWR", "TWR", "120.2"),
            (8, 39723, "CA-0077", "UNIC", "", "122.7"),  # closed airport
        ],
    )

    data = parse_ourairports(fixture_dir, CANADA)

    assert data.airports["CYRV"].frequencies == [
        FrequencyRecord("ATF", 122.8, "Revelstoke traffic"),
        FrequencyRecord("UHF", 243.0, None),
    ]
    assert data.nasr_frequencies == {"PAE": [FrequencyRecord("TWR", 120.2, "TWR")]}
    assert data.warnings.counts == {
        "closed OurAirports airports skipped": 1,
        "frequencies outside the aviation bands": 4,
    }


def test_closed_runways_and_runways_without_ends_are_skipped(fixture_dir):
    with (fixture_dir / "runways.csv").open("a", encoding="utf-8", newline="") as stream:
        stream.write('1,1896,"CYRV",2000,50,"TURF",0,1,"05",,,,,,"23",,,,,\n')
        stream.write('2,1896,"CYRV",1000,50,"Turf",0,0,,,,,,,,,,,,\n')
        stream.write('3,1896,"CYRV",1500,50,"Gravel",1,0,"H1",,,,,,,,,,,\n')

    runways = parse_ourairports(fixture_dir, CANADA).airports["CYRV"].runways

    assert [(r.number, r.surface, r.lighted, len(r.ends)) for r in runways] == [
        ("12/30", "ASP", False, 2),
        ("H1", "GRAVEL", True, 1),
    ]


def test_non_ascii_names_are_kept(fixture_dir):
    path = fixture_dir / "airports.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Revelstoke Airport", "Dépôt Baskatong Délįne"),
        encoding="utf-8",
    )

    assert parse_ourairports(fixture_dir, CANADA).airports["CYRV"].name == (
        "Dépôt Baskatong Délįne"
    )


def test_a_malformed_value_names_file_line_and_column(fixture_dir):
    path = fixture_dir / "airports.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("50.962245", "north"), encoding="utf-8"
    )

    with pytest.raises(DataFileError) as caught:
        parse_ourairports(fixture_dir, CANADA)

    assert caught.value.detail == (
        "airports.csv line 2, column latitude_deg: 'north' is not a number."
    )


def test_a_missing_file_is_named(fixture_dir):
    (fixture_dir / "runways.csv").unlink()

    with pytest.raises(DataFileError) as caught:
        parse_ourairports(fixture_dir, CANADA)

    assert caught.value.detail == f"runways.csv was not found in {fixture_dir}."


def test_invalid_utf8_is_reported(fixture_dir):
    path = fixture_dir / "airports.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"Cape Dyer", b"Cape \xffyer")  # the third line
    path.write_bytes(b"".join(lines))
    byte = lines[2].index(b"\xff") + 1

    with pytest.raises(DataFileError) as caught:
        parse_ourairports(fixture_dir, CANADA)

    assert caught.value.detail == (
        f"airports.csv line 3: the file is not valid utf-8 (byte {byte} of the line)."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CA", frozenset({"CA"})),
        (" ca, mx ,", frozenset({"CA", "MX"})),
        ("ALL", None),
        ("ca,all", None),
        (" ", frozenset()),
    ],
)
def test_parse_countries(value, expected):
    assert parse_countries(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("CAN", "CAN: expected two-letter country codes (ISO 3166-1), or ALL."),
        ("CA,C1,CA') OR TRUE --", "C1, CA') OR TRUE --: expected two-letter country codes"),
    ],
)
def test_parse_countries_accepts_only_country_codes(value, message):
    with pytest.raises(ValueError, match="expected two-letter") as caught:
        parse_countries(value)

    assert str(caught.value).startswith(message)
