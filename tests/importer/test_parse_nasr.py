"""The NASR airport archive parser, on the original's PAE sample and on archives built here."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from api.models.enums import (
    AirportStatus,
    DataSource,
    FacilityType,
    FacilityUse,
    OwnershipType,
)
from importer.parse.csvfile import DataFileError
from importer.parse.nasr import parse_nasr_archive
from importer.parse.records import FrequencyRecord, RemarkRecord, RunwayEndRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAE_ARCHIVE = FIXTURES / "airport_data.zip"
SAMPLE_ARCHIVE = (
    Path(__file__).resolve().parents[2] / "importer" / "sample_data" / "26_Dec_2024_APT_CSV.zip"
)
BASE, RUNWAYS, REMARKS = "APT_BASE.csv", "APT_RWY.csv", "APT_RMK.csv"

# Headers from faa-data.md §2.7 (schema of 2026-08-06).
_RUNWAY_END_COLUMNS = (
    "EFF_DATE,SITE_NO,SITE_TYPE_CODE,STATE_CODE,ARPT_ID,CITY,COUNTRY_CODE,RWY_ID,RWY_END_ID,"
    "TRUE_ALIGNMENT,ILS_TYPE,RIGHT_HAND_TRAFFIC_PAT_FLAG,RWY_MARKING_TYPE_CODE,RWY_MARKING_COND,"
    "RWY_END_LAT_DEG,RWY_END_LAT_MIN,RWY_END_LAT_SEC,RWY_END_LAT_HEMIS,LAT_DECIMAL,"
    "RWY_END_LONG_DEG,RWY_END_LONG_MIN,RWY_END_LONG_SEC,RWY_END_LONG_HEMIS,LONG_DECIMAL,"
    "RWY_END_ELEV,THR_CROSSING_HGT,VISUAL_GLIDE_PATH_ANGLE,DISPLACED_THR_LAT_DEG,"
    "DISPLACED_THR_LAT_MIN,DISPLACED_THR_LAT_SEC,DISPLACED_THR_LAT_HEMIS,"
    "LAT_DISPLACED_THR_DECIMAL,DISPLACED_THR_LONG_DEG,DISPLACED_THR_LONG_MIN,"
    "DISPLACED_THR_LONG_SEC,DISPLACED_THR_LONG_HEMIS,LONG_DISPLACED_THR_DECIMAL,"
    "DISPLACED_THR_ELEV,DISPLACED_THR_LEN,TDZ_ELEV,VGSI_CODE,RWY_VISUAL_RANGE_EQUIP_CODE,"
    "RWY_VSBY_VALUE_EQUIP_FLAG,APCH_LGT_SYSTEM_CODE,RWY_END_LGTS_FLAG,CNTRLN_LGTS_AVBL_FLAG,"
    "TDZ_LGT_AVBL_FLAG,OBSTN_TYPE,OBSTN_MRKD_CODE,FAR_PART_77_CODE,OBSTN_CLNC_SLOPE,OBSTN_HGT,"
    "DIST_FROM_THR,CNTRLN_OFFSET,CNTRLN_DIR_CODE,RWY_GRAD,RWY_GRAD_DIRECTION,RWY_END_PSN_SOURCE,"
    "RWY_END_PSN_DATE,RWY_END_ELEV_SOURCE,RWY_END_ELEV_DATE,DSPL_THR_PSN_SOURCE,"
    "RWY_END_DSPL_THR_PSN_DATE,DSPL_THR_ELEV_SOURCE,RWY_END_DSPL_THR_ELEV_DATE,TDZ_ELEV_SOURCE,"
    "RWY_END_TDZ_ELEV_DATE,TKOF_RUN_AVBL,TKOF_DIST_AVBL,ACLT_STOP_DIST_AVBL,LNDG_DIST_AVBL,"
    "LAHSO_ALD,RWY_END_INTERSECT_LAHSO,LAHSO_DESC,LAHSO_LAT,LAT_LAHSO_DECIMAL,LAHSO_LONG,"
    "LONG_LAHSO_DECIMAL,LAHSO_PSN_SOURCE,RWY_END_LAHSO_PSN_DATE"
)
_FREQUENCY_COLUMNS = (
    "EFF_DATE,FACILITY,FAC_NAME,FACILITY_TYPE,ARTCC_OR_FSS_ID,CPDLC,TOWER_HRS,SERVICED_FACILITY,"
    "SERVICED_FAC_NAME,SERVICED_SITE_TYPE,LAT_DECIMAL,LONG_DECIMAL,SERVICED_CITY,SERVICED_STATE,"
    "SERVICED_COUNTRY,TOWER_OR_COMM_CALL,PRIMARY_APPROACH_RADIO_CALL,FREQ,SECTORIZATION,"
    "FREQ_USE,REMARK"
)
RUNWAY_END_HEADER = _RUNWAY_END_COLUMNS.split(",")
FREQUENCY_HEADER = _FREQUENCY_COLUMNS.split(",")


def _second_airport(tables, **values):
    """Add a second facility (site 99999.) to the base table, a copy of PAE with ``values``."""
    pae = tables[BASE].rows[0]
    return tables[BASE].add(pae, **{"SITE_NO": "99999.", "ARPT_ID": "TST", "ICAO_ID": ""} | values)


def test_the_original_acceptance_values_of_pae():
    data = parse_nasr_archive(PAE_ARCHIVE)

    assert list(data.airports) == ["PAE"]
    pae = data.airports["PAE"]
    assert pae.name == "SNOHOMISH COUNTY (PAINE FLD)"
    assert pae.icao_code == "KPAE"
    assert pae.facility_type == FacilityType.AIRPORT
    assert pae.facility_use == FacilityUse.PUBLIC
    assert pae.ownership_type == OwnershipType.PUBLIC
    assert pae.latitude == 47.90731805555556
    assert pae.longitude == -122.2820938888889
    assert pae.elevation_ft == 606
    assert (pae.city, pae.state, pae.country) == ("EVERETT", "WA", "US")
    assert pae.city_distance_nm == 6.0
    assert pae.sectional == "SEATTLE"
    assert pae.fuel_types == ["100LL", "A"]
    assert pae.activation_date == date(1938, 11, 1)
    assert pae.status == AirportStatus.OPERATIONAL
    assert pae.tower_type == "ATCT"
    assert pae.landing_fee is True
    assert pae.data_source == DataSource.FAA
    assert pae.source_id == "26210.*A"
    assert [(r.number, r.length_ft, r.surface, r.lights) for r in pae.runways] == [
        ("16L/34R", 3004, "ASPH", "MED"),
        ("16R/34L", 9010, "ASPH-CONC", "HIGH"),
    ]
    assert [(r.width_ft, r.condition, r.lighted, r.ends) for r in pae.runways] == [
        (75, "GOOD", True, []),
        (150, "GOOD", True, []),
    ]
    assert pae.remarks == [
        RemarkRecord("E111", "ESTABD PRIOR TO 15 MAY 1959."),
        RemarkRecord("A110-1", "RWY 16L/34R CLSD BTN 0500-1500Z."),
    ]
    assert pae.frequencies == []
    assert data.has_frequencies is False
    assert data.effective_date == "2022/10/06"
    assert data.warnings.counts == {}


@pytest.mark.parametrize(
    ("site_type", "ownership", "expected"),
    [
        ("A", "MA", FacilityType.MILITARY),
        ("H", "MN", FacilityType.MILITARY),
        ("C", "MR", FacilityType.MILITARY),
        ("G", "CG", FacilityType.MILITARY),
        ("A", "PR", FacilityType.AIRPORT),
        ("B", "PU", FacilityType.BALLOONPORT),
        ("C", "PU", FacilityType.SEAPLANE_BASE),
        ("G", "PR", FacilityType.GLIDERPORT),
        ("H", "PR", FacilityType.HELIPORT),
        ("U", "PU", FacilityType.ULTRALIGHT),
    ],
)
def test_facility_type_comes_from_the_site_type_unless_the_military_owns_it(
    pae_tables, nasr_archive, site_type, ownership, expected
):
    base = pae_tables[BASE].rows[0]
    base["SITE_TYPE_CODE"], base["OWNERSHIP_TYPE_CODE"] = site_type, ownership
    for runway in pae_tables[RUNWAYS].rows:
        runway["SITE_TYPE_CODE"] = site_type

    pae = parse_nasr_archive(nasr_archive(pae_tables)).airports["PAE"]

    assert pae.facility_type == expected
    assert pae.ownership_type == OwnershipType(ownership)
    assert [runway.number for runway in pae.runways] == ["16L/34R", "16R/34L"]


def test_military_heliports_of_the_sample_are_military():
    airports = parse_nasr_archive(SAMPLE_ARCHIVE).airports

    assert (airports["0WA9"].facility_type, airports["0WA9"].ownership_type) == (
        FacilityType.MILITARY,
        OwnershipType.NAVY,
    )
    assert airports["TCM"].facility_type == FacilityType.MILITARY
    assert airports["WT00"].facility_type == FacilityType.HELIPORT


@pytest.mark.parametrize(
    ("code", "icao_id", "expected"),
    [
        ("05K", "", "PAKX"),  # from importer/data/faa_to_icao.json
        ("05K", "PXYZ", "PXYZ"),  # the CSV's own ICAO_ID wins
        ("TST", "kabc", "KABC"),
        ("TST", "", None),
    ],
)
def test_icao_code_from_icao_id_with_the_static_mapping_as_fallback(
    pae_tables, nasr_archive, code, icao_id, expected
):
    _second_airport(pae_tables, ARPT_ID=code, ICAO_ID=icao_id)

    airports = parse_nasr_archive(nasr_archive(pae_tables)).airports

    assert airports[code].icao_code == expected
    assert airports["PAE"].icao_code == "KPAE"


def test_latin1_bytes_are_decoded(pae_tables, nasr_archive):
    base = pae_tables[BASE].rows[0]
    base["ARPT_NAME"], base["CITY"] = "AÉRODROME DE L'ÎLE ÿ", "Montréal"
    pae_tables[REMARKS].rows[0]["REMARK"] = "PPR ½ HR, ± 10° CROSSWIND"
    archive = nasr_archive(pae_tables)
    with zipfile.ZipFile(archive) as opened:
        assert "AÉRODROME".encode("latin-1") in opened.read(BASE)

    pae = parse_nasr_archive(archive).airports["PAE"]

    assert pae.name == "AÉRODROME DE L'ÎLE ÿ"
    assert pae.city == "MONTRÉAL"
    assert pae.remarks[0].text == "PPR ½ HR, ± 10° CROSSWIND"


def test_columns_are_read_by_name_not_position(pae_tables, nasr_archive):
    expected = parse_nasr_archive(PAE_ARCHIVE)
    for table in pae_tables.values():
        table.header = ["UNKNOWN_NEW_COLUMN", *reversed(table.header)]
        for row in table.rows:
            row["UNKNOWN_NEW_COLUMN"] = "surprise, with a comma"

    data = parse_nasr_archive(nasr_archive(pae_tables))

    assert data.airports == expected.airports
    assert data.effective_date == "2022/10/06"


def test_the_90_column_layout_of_2024_is_read():
    with zipfile.ZipFile(SAMPLE_ARCHIVE) as archive:
        header = archive.read(BASE).decode("latin-1").splitlines()[0].split(",")
    assert len(header) == 90
    assert '"CTA"' in header
    assert '"BASED_SINGLE_ENG"' not in header

    data = parse_nasr_archive(SAMPLE_ARCHIVE)

    assert len(data.airports) == 547
    assert data.effective_date == "2024/12/26"
    ranch = data.airports["94WA"]
    assert ranch.name == "WISHKAH RIVER RANCH AIRPORT"
    assert (ranch.facility_use, ranch.ownership_type) == (
        FacilityUse.PRIVATE,
        OwnershipType.PRIVATE,
    )
    assert (ranch.latitude, ranch.longitude, ranch.elevation_ft) == (47.084282, -123.773067, 36)
    assert (ranch.city, ranch.state, ranch.country, ranch.sectional) == (
        "ABERDEEN",
        "WA",
        "US",
        "SEATTLE",
    )
    assert ranch.city_distance_nm == 1.0
    assert ranch.activation_date == date(1991, 10, 1)
    assert ranch.icao_code is None
    assert ranch.fuel_types == []
    assert ranch.tower_type == "NON-ATCT"
    assert ranch.landing_fee is None
    assert [
        (r.number, r.length_ft, r.width_ft, r.surface, r.condition, r.lights, r.lighted)
        for r in ranch.runways
    ] == [("14/32", 1700, 50, "GRAVEL", None, None, False)]
    helipad = data.airports["WT00"].runways
    assert [(r.number, r.surface, r.condition, r.lights, r.lighted) for r in helipad] == [
        ("H1", "CONC", "FAIR", "PERI", True)
    ]
    # Remarks are labelled by their legacy element number, which names the runway too.
    assert data.airports["WA12"].remarks[0] == RemarkRecord(
        "A30-N/S", "RWY N/S SOFT WHEN WET; CK CONDITIONS BEFORE USE."
    )


def test_foreign_facilities_are_skipped_and_territories_kept(pae_tables, nasr_archive):
    _second_airport(pae_tables, SITE_NO="11111.", ARPT_ID="CYXX", COUNTRY_CODE="CA")
    pae_tables[RUNWAYS].add(pae_tables[RUNWAYS].rows[0], SITE_NO="11111.", ARPT_ID="CYXX")
    _second_airport(pae_tables, SITE_NO="22222.", ARPT_ID="SJU", COUNTRY_CODE="PR")
    _second_airport(pae_tables, SITE_NO="33333.", ARPT_ID="BLNK", COUNTRY_CODE="")

    data = parse_nasr_archive(nasr_archive(pae_tables))

    assert sorted(data.airports) == ["BLNK", "PAE", "SJU"]
    assert data.airports["SJU"].country == "PR"
    assert data.airports["BLNK"].country == "US"
    assert data.warnings.counts == {"NASR foreign facilities left to OurAirports": 1}


def test_children_join_on_site_number_and_type_not_on_the_identifier(pae_tables, nasr_archive):
    # A heliport sharing PAE's site number: its runway must not land on the airport.
    _second_airport(pae_tables, SITE_NO="26210.", SITE_TYPE_CODE="H", ARPT_ID="PAEH")
    pae_tables[RUNWAYS].add(
        pae_tables[RUNWAYS].rows[0], SITE_TYPE_CODE="H", ARPT_ID="PAE", RWY_ID="H1"
    )

    airports = parse_nasr_archive(nasr_archive(pae_tables)).airports

    assert [runway.number for runway in airports["PAE"].runways] == ["16L/34R", "16R/34L"]
    assert [runway.number for runway in airports["PAEH"].runways] == ["H1"]
    assert airports["PAEH"].facility_type == FacilityType.HELIPORT


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        (
            BASE,
            "LAT_DECIMAL",
            "abc",
            "APT_BASE.csv line 3, column LAT_DECIMAL: 'abc' is not a number.",
        ),
        (
            BASE,
            "LAT_DECIMAL",
            "95.5",
            "APT_BASE.csv line 3, column LAT_DECIMAL: 95.5 is outside the range -90 to 90.",
        ),
        (
            BASE,
            "LONG_DECIMAL",
            "",
            "APT_BASE.csv line 3, column LONG_DECIMAL: a number is required but the field is "
            "empty.",
        ),
        (
            BASE,
            "ARPT_NAME",
            "  ",
            "APT_BASE.csv line 3, column ARPT_NAME: a value is required but the field is empty.",
        ),
        (
            BASE,
            "SITE_TYPE_CODE",
            "X",
            "APT_BASE.csv line 3, column SITE_TYPE_CODE: 'X' is not a known facility type.",
        ),
        (
            BASE,
            "OWNERSHIP_TYPE_CODE",
            "ZZ",
            "APT_BASE.csv line 3, column OWNERSHIP_TYPE_CODE: 'ZZ' is not a known code.",
        ),
        (
            BASE,
            "ARPT_STATUS",
            "GONE",
            "APT_BASE.csv line 3, column ARPT_STATUS: 'GONE' is not a known code.",
        ),
        (
            BASE,
            "ACTIVATION_DATE",
            "1938-11",
            "APT_BASE.csv line 3, column ACTIVATION_DATE: '1938-11' is not a YYYY/MM date.",
        ),
        (
            BASE,
            "ELEV",
            "1e12",
            "APT_BASE.csv line 3, column ELEV: 1e12 is outside the range -2147483648 to "
            "2147483647.",
        ),
        (BASE, "ELEV", "NaN", "APT_BASE.csv line 3, column ELEV: 'NaN' is not a number."),
        (
            BASE,
            "DIST_CITY_TO_AIRPORT",
            "inf",
            "APT_BASE.csv line 3, column DIST_CITY_TO_AIRPORT: 'inf' is not a number.",
        ),
        (
            RUNWAYS,
            "RWY_LEN",
            "long",
            "APT_RWY.csv line 3, column RWY_LEN: 'long' is not a number.",
        ),
        (
            RUNWAYS,
            "RWY_LEN",
            "-3004",
            "APT_RWY.csv line 3, column RWY_LEN: -3004 is outside the range 0 to 2147483647.",
        ),
    ],
)
def test_a_malformed_value_names_file_line_and_column(
    pae_tables, nasr_archive, table, column, value, message
):
    if table == BASE:
        _second_airport(pae_tables, **{column: value})
    else:
        pae_tables[table].rows[1][column] = value

    with pytest.raises(DataFileError) as caught:
        parse_nasr_archive(nasr_archive(pae_tables))

    assert caught.value.detail.startswith(message)


def test_a_missing_column_is_reported_from_the_header(pae_tables, nasr_archive):
    for column in ("LAT_DECIMAL", "ARPT_ID"):
        tables = dict(pae_tables)
        tables[BASE] = type(pae_tables[BASE])(
            [name for name in pae_tables[BASE].header if name != column], pae_tables[BASE].rows
        )

        with pytest.raises(DataFileError) as caught:
            parse_nasr_archive(nasr_archive(tables))

        assert caught.value.detail == (
            f"APT_BASE.csv line 1: the column {column} is missing from the header."
        )


def test_a_missing_member_is_named(pae_tables, nasr_archive):
    del pae_tables[REMARKS]

    with pytest.raises(DataFileError) as caught:
        parse_nasr_archive(nasr_archive(pae_tables))

    assert caught.value.detail == "06_Oct_2022_APT_CSV.zip lacks the member APT_RMK.csv."


def test_a_truncated_archive_is_a_clear_error(tmp_path):
    data = PAE_ARCHIVE.read_bytes()
    truncated = tmp_path / "06_Oct_2022_APT_CSV.zip"
    truncated.write_bytes(data[: len(data) // 2])

    with pytest.raises(DataFileError) as caught:
        parse_nasr_archive(truncated)

    assert caught.value.detail == (
        "06_Oct_2022_APT_CSV.zip is not a complete zip archive (truncated or corrupt)."
    )


def test_a_corrupt_member_is_a_clear_error(tmp_path, pae_tables):
    corrupt = tmp_path / "06_Oct_2022_APT_CSV.zip"
    with zipfile.ZipFile(corrupt, "w", zipfile.ZIP_STORED) as archive:
        for name, table in pae_tables.items():
            archive.writestr(name, table.to_bytes())
    data = bytearray(corrupt.read_bytes())
    offset = data.index(b"SNOHOMISH COUNTY")
    data[offset : offset + 9] = b"SNOHOMIS#"  # same size: only the checksum can tell
    corrupt.write_bytes(bytes(data))

    with pytest.raises(DataFileError) as caught:
        parse_nasr_archive(corrupt)

    assert caught.value.detail.startswith(
        "APT_BASE.csv could not be read from 06_Oct_2022_APT_CSV.zip: Bad CRC-32"
    )


def test_undecompressable_member_data_is_a_clear_error(pae_tables, nasr_archive):
    archive = nasr_archive(pae_tables)
    with zipfile.ZipFile(archive) as opened:
        member = opened.getinfo(BASE)
    data = bytearray(archive.read_bytes())
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    # A deflate block of the reserved type 3: zlib rejects it at the first byte.
    data[start : start + member.compress_size] = b"\xff" * member.compress_size
    archive.write_bytes(bytes(data))

    with pytest.raises(DataFileError) as caught:
        parse_nasr_archive(archive)

    assert caught.value.detail == (
        "APT_BASE.csv could not be read from 06_Oct_2022_APT_CSV.zip: Error -3 while "
        "decompressing data: invalid block type."
    )


def test_a_row_with_the_wrong_number_of_fields_is_reported(pae_tables, nasr_archive):
    base = pae_tables[BASE].to_bytes() + b'"2022/10/06","99999.","A"\r\n'

    with pytest.raises(DataFileError) as caught:
        parse_nasr_archive(nasr_archive({**pae_tables, BASE: base}))

    assert caught.value.detail == "APT_BASE.csv line 3: expected 103 fields but found 3."


def test_an_unterminated_quote_is_reported(pae_tables, nasr_archive):
    base = pae_tables[BASE].to_bytes() + b'"2022/10/06","99999.\r\n'

    with pytest.raises(DataFileError) as caught:
        parse_nasr_archive(nasr_archive({**pae_tables, BASE: base}))

    assert caught.value.detail.startswith("APT_BASE.csv line 3")


def test_runway_ends_and_frequencies_are_used_when_present(pae_tables, nasr_archive, csv_table):
    ends = csv_table(RUNWAY_END_HEADER)
    site = {"EFF_DATE": "2022/10/06", "SITE_NO": "26210.", "SITE_TYPE_CODE": "A", "ARPT_ID": "PAE"}
    ends.add(
        site,
        RWY_ID="16R/34L",
        RWY_END_ID="16R",
        TRUE_ALIGNMENT="160",
        RIGHT_HAND_TRAFFIC_PAT_FLAG="N",
        LAT_DECIMAL="47.92",
        LONG_DECIMAL="-122.28",
        RWY_END_ELEV="598.7",
        DISPLACED_THR_LEN="",
        VGSI_CODE="P4L",
        APCH_LGT_SYSTEM_CODE="MALSR",
    )
    ends.add(
        site, RWY_ID="16R/34L", RWY_END_ID="34L", TRUE_ALIGNMENT="340", DISPLACED_THR_LEN="800"
    )
    ends.add(site, RWY_ID="09/27", RWY_END_ID="09")  # no such runway: ignored
    ends.add(site, SITE_NO="55555.", RWY_ID="16R/34L", RWY_END_ID="16R")  # no such site
    frequencies = csv_table(FREQUENCY_HEADER)
    serviced = {"EFF_DATE": "2022/10/06", "SERVICED_FACILITY": "PAE", "SERVICED_COUNTRY": "US"}
    frequencies.add(
        serviced, FACILITY_TYPE="ATCT", FREQ="120.2", FREQ_USE="twr", TOWER_OR_COMM_CALL="PAINE"
    )
    frequencies.add(serviced, FACILITY_TYPE="ATCT", FREQ="121.8", FREQ_USE="GND")
    frequencies.add(serviced, FACILITY_TYPE="NAVAID", FREQ="110.6/CH43", REMARK="PAE VOR")
    frequencies.add(serviced, FACILITY_TYPE="ATCT", FREQ="1350", FREQ_USE="GND")
    frequencies.add(serviced, SERVICED_FACILITY="SEA", FREQ="119.9", FREQ_USE="TWR")

    data = parse_nasr_archive(
        nasr_archive({**pae_tables, "APT_RWY_END.csv": ends, "FRQ.csv": frequencies})
    )

    pae = data.airports["PAE"]
    assert pae.runways[0].ends == []
    assert pae.runways[1].ends == [
        RunwayEndRecord(
            end_id="16R",
            true_heading=160.0,
            latitude=47.92,
            longitude=-122.28,
            elevation_ft=598.7,
            displaced_threshold_ft=None,
            right_traffic=False,
            approach_lights="MALSR",
            visual_glide_slope="P4L",
        ),
        RunwayEndRecord(end_id="34L", true_heading=340.0, displaced_threshold_ft=800),
    ]
    assert data.has_frequencies is True
    assert pae.frequencies == [
        FrequencyRecord("TWR", 120.2, "PAINE"),
        FrequencyRecord("GND", 121.8, None),
        FrequencyRecord("NAVAID", 110.6, "PAE VOR"),
    ]
    assert data.warnings.counts == {"frequencies outside the aviation bands": 1}
