"""A cycle's airports copied into temporary staging tables (COPY), which the merges read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.bulk import copy_rows
from importer.parse.importance import importance
from importer.parse.records import AirportRecord

OFFICIAL_COLUMNS = (
    "code",
    "icao_code",
    "name",
    "facility_type",
    "facility_use",
    "ownership_type",
    "status",
    "latitude",
    "longitude",
    "elevation_ft",
    "city",
    "state",
    "country",
    "city_distance_nm",
    "sectional",
    "fuel_types",
    "activation_date",
    "tower_type",
    "landing_fee",
    "importance",
    "data_source",
    "source_id",
)
RUNWAY_COLUMNS = ("number", "length_ft", "width_ft", "surface", "condition", "lights", "lighted")
END_COLUMNS = (
    "end_id",
    "true_heading",
    "latitude",
    "longitude",
    "elevation_ft",
    "displaced_threshold_ft",
    "right_traffic",
    "approach_lights",
    "visual_glide_slope",
)
REMARK_COLUMNS = ("position", "element", "text")
FREQUENCY_COLUMNS = ("use", "frequency_mhz", "description")


def _airport_row(airport: AirportRecord) -> tuple[Any, ...]:
    return (
        airport.code,
        airport.icao_code,
        airport.name,
        airport.facility_type.value,
        airport.facility_use.value if airport.facility_use else None,
        airport.ownership_type.value if airport.ownership_type else None,
        airport.status.value if airport.status else None,
        airport.latitude,
        airport.longitude,
        airport.elevation_ft,
        airport.city,
        airport.state,
        airport.country,
        airport.city_distance_nm,
        airport.sectional,
        airport.fuel_types,
        airport.activation_date,
        airport.tower_type,
        airport.landing_fee,
        importance(airport),
        airport.data_source.value,
        airport.source_id,
    )


async def _create_staging(connection: AsyncConnection) -> None:
    official = ", ".join(OFFICIAL_COLUMNS)
    for statement in (
        # Left over by an earlier load in the same transaction.
        "DROP TABLE IF EXISTS pg_temp.stage_airports, pg_temp.stage_runways,"
        " pg_temp.stage_runway_ends, pg_temp.stage_remarks, pg_temp.stage_frequencies,"
        " pg_temp.owned, pg_temp.touched, pg_temp.stage_zones, pg_temp.stage_facts",
        f"CREATE TEMP TABLE stage_airports ON COMMIT DROP AS SELECT {official} FROM airports"
        " WITH NO DATA",
        "CREATE TEMP TABLE stage_runways ON COMMIT DROP AS SELECT ''::text AS airport_code, "
        f"{', '.join(RUNWAY_COLUMNS)} FROM runways WITH NO DATA",
        "CREATE TEMP TABLE stage_runway_ends ON COMMIT DROP AS SELECT ''::text AS airport_code,"
        f" ''::text AS runway_number, {', '.join(END_COLUMNS)} FROM runway_ends WITH NO DATA",
        "CREATE TEMP TABLE stage_remarks ON COMMIT DROP AS SELECT ''::text AS airport_code, "
        f"{', '.join(REMARK_COLUMNS)} FROM remarks WITH NO DATA",
        "CREATE TEMP TABLE stage_frequencies ON COMMIT DROP AS SELECT ''::text AS airport_code,"
        f" {', '.join(FREQUENCY_COLUMNS)} FROM frequencies WITH NO DATA",
    ):
        await connection.execute(sa.text(statement))


async def stage(connection: AsyncConnection, airports: Iterable[AirportRecord]) -> dict[str, int]:
    """COPY the records into temporary staging tables dropped at the end of the transaction."""
    await _create_staging(connection)
    airport_rows: list[tuple[Any, ...]] = []
    runway_rows: list[tuple[Any, ...]] = []
    end_rows: list[tuple[Any, ...]] = []
    remark_rows: list[tuple[Any, ...]] = []
    frequency_rows: set[tuple[Any, ...]] = set()
    for airport in airports:
        code = airport.code
        airport_rows.append(_airport_row(airport))
        for runway in airport.runways:
            runway_rows.append(
                (
                    code,
                    runway.number,
                    runway.length_ft,
                    runway.width_ft,
                    runway.surface,
                    runway.condition,
                    runway.lights,
                    runway.lighted,
                )
            )
            seen_ends: set[str] = set()
            for end in runway.ends:
                if end.end_id in seen_ends:
                    continue
                seen_ends.add(end.end_id)
                end_rows.append(
                    (
                        code,
                        runway.number,
                        end.end_id,
                        end.true_heading,
                        end.latitude,
                        end.longitude,
                        end.elevation_ft,
                        end.displaced_threshold_ft,
                        end.right_traffic,
                        end.approach_lights,
                        end.visual_glide_slope,
                    )
                )
        for position, remark in enumerate(airport.remarks, start=1):
            remark_rows.append((code, position, remark.element, remark.text))
        for frequency in airport.frequencies:
            frequency_rows.add(
                (code, frequency.use, frequency.frequency_mhz, frequency.description)
            )
    await copy_rows(connection, "stage_airports", OFFICIAL_COLUMNS, airport_rows)
    await copy_rows(connection, "stage_runways", ("airport_code", *RUNWAY_COLUMNS), runway_rows)
    await copy_rows(
        connection, "stage_runway_ends", ("airport_code", "runway_number", *END_COLUMNS), end_rows
    )
    await copy_rows(connection, "stage_remarks", ("airport_code", *REMARK_COLUMNS), remark_rows)
    await copy_rows(
        connection,
        "stage_frequencies",
        ("airport_code", *FREQUENCY_COLUMNS),
        sorted(frequency_rows, key=lambda row: (row[0], row[1], row[2], row[3] or "")),
    )
    for statement in (
        # Rough statistics are enough to plan the merges, and much cheaper to gather.
        "SET LOCAL default_statistics_target = 20",
        "CREATE UNIQUE INDEX ON stage_airports (code)",
        "CREATE INDEX ON stage_runways (airport_code, number)",
        "CREATE INDEX ON stage_runway_ends (airport_code, runway_number, end_id)",
        "CREATE INDEX ON stage_remarks (airport_code, position)",
        "CREATE INDEX ON stage_frequencies (airport_code)",
        # The merges join the staged rows by these keys: their statistics (and every table's
        # row count) are what the plans need; the other columns' would cost most of the time.
        "ANALYZE stage_airports (code, data_source), stage_runways (airport_code, number),"
        " stage_runway_ends (airport_code, runway_number, end_id),"
        " stage_remarks (airport_code, position), stage_frequencies (airport_code)",
    ):
        await connection.execute(sa.text(statement))
    return {
        "airports": len(airport_rows),
        "runways": len(runway_rows),
        "runway_ends": len(end_rows),
        "remarks": len(remark_rows),
        "frequencies": len(frequency_rows),
    }
