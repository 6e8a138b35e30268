"""Load a cycle of airports with COPY into staging tables and set-based SQL merges.

Only official columns are ever written. User-owned columns (wiki fields, landing requirements,
annotations, cover image, photos, tags, comments, events, webcams) are never in an UPDATE;
landing rights are set only when an airport is created; airports of another data source are
left alone; an airport whose data did not change keeps its ``updated_at``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.bulk import copy_rows
from api.core.changes import ChangeKind, record_changes
from api.core.documents.content import CONTENT_COLUMNS_SQL, CONTRIBUTED_AIRPORT_IDS_SQL
from api.core.errors import ImportFailed
from api.models.enums import DataSource
from importer.load import bulk, facts
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
_RUNWAY_COLUMNS = ("number", "length_ft", "width_ft", "surface", "condition", "lights", "lighted")
_END_COLUMNS = (
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
_REMARK_COLUMNS = ("position", "element", "text")
_FREQUENCY_COLUMNS = ("use", "frequency_mhz", "description")
_CLOSED_STATUSES = "('CI', 'CP')"
SAMPLE_SIZE = 20
# Runways, remarks and frequencies may shrink by this much in one cycle before a load is refused
# (or by --max-closed-fraction, if larger); tables smaller than the minimum are not judged.
CHILD_SHRINK_FRACTION = 0.25
CHILD_SHRINK_MINIMUM = 100
_CHILD_TABLES = {
    "runways": "stage_runways",
    "runway_ends": "stage_runway_ends",
    "remarks": "stage_remarks",
    "frequencies": "stage_frequencies",
}
_COUNTRY_CODE = re.compile("[A-Z]{2}")
ANALYZE_AFTER_NEW_ROWS = 1000
BULK_TABLES = ("airports", "tags", "runways", "runway_ends", "remarks", "frequencies")


class ShrinkRefused(ImportFailed):
    error = "ShrinkRefused"


@dataclass(frozen=True, slots=True)
class LoadScope:
    """Which existing airports this load owns: their absence from the input closes them."""

    sources: frozenset[DataSource]
    our_airports_countries: frozenset[str] | None  # None: every country

    def __post_init__(self) -> None:
        # The codes are written into SQL text: only two capital letters may get there.
        for code in sorted(self.our_airports_countries or ()):
            if not _COUNTRY_CODE.fullmatch(code):
                raise ValueError(f"{code!r} is not a two-letter country code.")

    def sql(self) -> str:
        clauses = []
        if DataSource.FAA in self.sources:
            clauses.append("a.data_source = 'faa'")
        if DataSource.OUR_AIRPORTS in self.sources:
            if self.our_airports_countries is None:
                clauses.append("a.data_source = 'our_airports'")
            elif self.our_airports_countries:
                countries = ", ".join(f"'{c}'" for c in sorted(self.our_airports_countries))
                clauses.append(f"(a.data_source = 'our_airports' AND a.country IN ({countries}))")
        return "(" + (" OR ".join(clauses) or "false") + ")"


@dataclass(slots=True)
class LoadReport:
    staged: int = 0
    new: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    changed_fields: dict[str, Any] = field(default_factory=dict)
    children_changed: list[str] = field(default_factory=list)
    skipped_other_source: list[str] = field(default_factory=list)
    marked_empty: list[str] = field(default_factory=list)
    # Listed again by a later cycle, nothing else changed (their source_cycle moved).
    recycled: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changes_map(self) -> bool:
        """Whether the airports map layer (positions, types, tags) may have changed."""
        return bool(self.new or self.changed or self.closed or self.reopened or self.marked_empty)

    def summary(self) -> dict[str, Any]:
        """Counts and samples, small enough for the run record and a terminal."""

        def sample(codes: Sequence[str]) -> dict[str, Any]:
            return {"count": len(codes), "sample": sorted(codes)[:SAMPLE_SIZE]}

        return {
            "staged": self.staged,
            "new": sample(self.new),
            "closed": sample(self.closed),
            "reopened": sample(self.reopened),
            "changed": sample(self.changed),
            "changed_fields": self.changed_fields,
            "children_changed": sample(self.children_changed),
            "skipped_other_source": sample(self.skipped_other_source),
            "rows": self.counts,
        }


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
        f"{', '.join(_RUNWAY_COLUMNS)} FROM runways WITH NO DATA",
        "CREATE TEMP TABLE stage_runway_ends ON COMMIT DROP AS SELECT ''::text AS airport_code,"
        f" ''::text AS runway_number, {', '.join(_END_COLUMNS)} FROM runway_ends WITH NO DATA",
        "CREATE TEMP TABLE stage_remarks ON COMMIT DROP AS SELECT ''::text AS airport_code, "
        f"{', '.join(_REMARK_COLUMNS)} FROM remarks WITH NO DATA",
        "CREATE TEMP TABLE stage_frequencies ON COMMIT DROP AS SELECT ''::text AS airport_code,"
        f" {', '.join(_FREQUENCY_COLUMNS)} FROM frequencies WITH NO DATA",
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
    await copy_rows(connection, "stage_runways", ("airport_code", *_RUNWAY_COLUMNS), runway_rows)
    await copy_rows(
        connection, "stage_runway_ends", ("airport_code", "runway_number", *_END_COLUMNS), end_rows
    )
    await copy_rows(connection, "stage_remarks", ("airport_code", *_REMARK_COLUMNS), remark_rows)
    await copy_rows(
        connection,
        "stage_frequencies",
        ("airport_code", *_FREQUENCY_COLUMNS),
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
        "ANALYZE stage_airports, stage_runways, stage_runway_ends, stage_remarks,"
        " stage_frequencies",
    ):
        await connection.execute(sa.text(statement))
    return {
        "airports": len(airport_rows),
        "runways": len(runway_rows),
        "runway_ends": len(end_rows),
        "remarks": len(remark_rows),
        "frequencies": len(frequency_rows),
    }


async def _codes(connection: AsyncConnection, sql: str, **params: Any) -> list[str]:
    return list((await connection.execute(sa.text(sql), params)).scalars())


def _row(prefix: str, columns: Sequence[str]) -> str:
    return "(" + ", ".join(f"{prefix}.{column}" for column in columns) + ")"


async def _changed_fields(
    connection: AsyncConnection,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The official fields the cycle changes: counts and samples per field, and the fields of
    each airport."""
    rows = await connection.execute(
        sa.text(
            f"""
            WITH pairs AS MATERIALIZED (
                SELECT s.code,
                       jsonb_build_object({", ".join(f"'{c}', a.{c}" for c in OFFICIAL_COLUMNS)})
                           AS old,
                       jsonb_build_object({", ".join(f"'{c}', s.{c}" for c in OFFICIAL_COLUMNS)})
                           AS new
                FROM stage_airports s
                JOIN airports a ON a.code = s.code AND a.data_source = s.data_source
                WHERE {_row("a", OFFICIAL_COLUMNS)} IS DISTINCT FROM {_row("s", OFFICIAL_COLUMNS)}
            )
            SELECT code, key, old -> key, new -> key
            FROM pairs, jsonb_object_keys(new) AS key
            WHERE old -> key IS DISTINCT FROM new -> key
            ORDER BY key, code
            """
        )
    )
    summary: dict[str, Any] = {}
    by_airport: dict[str, list[str]] = {}
    for code, key, old, new in rows:
        entry = summary.setdefault(key, {"count": 0, "sample": []})
        entry["count"] += 1
        if len(entry["sample"]) < 5:
            entry["sample"].append({"code": code, "old": old, "new": new})
        by_airport.setdefault(code, []).append(key)
    return summary, by_airport


async def check_shrink(
    connection: AsyncConnection, scope: LoadScope, max_closed_fraction: float
) -> None:
    """Refuse a load that would close more than ``max_closed_fraction`` of the open airports."""
    where = scope.sql()
    open_count, closing = (
        await connection.execute(
            sa.text(
                f"""
                SELECT count(*),
                       count(*) FILTER (WHERE NOT EXISTS (
                           SELECT 1 FROM stage_airports s WHERE s.code = a.code))
                FROM airports a
                WHERE {where}
                  AND NOT EXISTS (SELECT 1 FROM tags t
                                  WHERE t.airport_id = a.id AND t.name = 'closed')
                """
            )
        )
    ).one()
    if open_count and closing / open_count > max_closed_fraction:
        raise ShrinkRefused(
            f"Refusing to apply this cycle: {closing:,} of {open_count:,} open airports "
            f"({closing / open_count:.1%}) would disappear, more than the allowed "
            f"{max_closed_fraction:.1%}. Check the source files, or raise the limit with "
            "--max-closed-fraction if the change is real."
        )
    # A child table missing from an archive, or cut short, would silently empty it.
    allowed = max(max_closed_fraction, CHILD_SHRINK_FRACTION)
    for table, stage_table in _CHILD_TABLES.items():
        now, then = (
            await connection.execute(
                sa.text(
                    f"""
                    SELECT (SELECT count(*) FROM {stage_table}),
                           (SELECT count(*) FROM {table} c
                            JOIN {
                        "runways r ON r.id = c.runway_id JOIN " if table == "runway_ends" else ""
                    }airports a
                              ON a.id = {"r" if table == "runway_ends" else "c"}.airport_id
                            JOIN stage_airports s
                              ON s.code = a.code AND s.data_source = a.data_source)
                    """
                )
            )
        ).one()
        if then >= CHILD_SHRINK_MINIMUM and now < then * (1 - allowed):
            raise ShrinkRefused(
                f"Refusing to apply this cycle: the airports it lists have {then:,} "
                f"{table.replace('_', ' ')} now but would keep only {now:,}, a loss of more "
                f"than {allowed:.0%}. Check that the source files are complete, or raise the "
                "limit with --max-closed-fraction if the change is real."
            )


async def apply(connection: AsyncConnection, cycle: date, scope: LoadScope) -> LoadReport:
    """Merge the staged cycle into the airports tables, in the caller's transaction."""
    report = LoadReport()
    official = ", ".join(OFFICIAL_COLUMNS)
    same_source = "a.code = s.code AND a.data_source = s.data_source"
    # Only a true first load, into tables nobody reads yet: the drops lock their tables.
    empty = await bulk.empty_tables(connection, BULK_TABLES)
    bulk_tables = BULK_TABLES if len(empty) == len(BULK_TABLES) else ()
    dropped = await bulk.drop_foreign_keys(connection, bulk_tables)
    dropped += await bulk.drop_secondary_indexes(connection, bulk_tables)

    report.staged = int(
        (await connection.execute(sa.text("SELECT count(*) FROM stage_airports"))).scalar_one()
    )
    report.skipped_other_source = await _codes(
        connection,
        "SELECT s.code FROM stage_airports s JOIN airports a ON a.code = s.code"
        " WHERE a.data_source <> s.data_source",
    )
    report.changed_fields, changed_by_airport = await _changed_fields(connection)
    # Before the merges, which move the positions the facts are compared against.
    report.counts["facts_computed"] = await facts.stage(connection)
    # ``before`` is the row as it was: whether the cycle that lists it moved too.
    changed_rows = await connection.execute(
        sa.text(
            f"""
            UPDATE airports a
            SET ({official}) = ({", ".join(f"s.{c}" for c in OFFICIAL_COLUMNS)}),
                source_cycle = :cycle, updated_at = now()
            FROM stage_airports s, airports before
            WHERE {same_source} AND before.id = a.id
              AND {_row("a", OFFICIAL_COLUMNS)} IS DISTINCT FROM {_row("s", OFFICIAL_COLUMNS)}
            RETURNING a.code, before.source_cycle IS DISTINCT FROM :cycle
            """
        ),
        {"cycle": cycle},
    )
    report.changed = []
    for code, cycle_moved in changed_rows:
        report.changed.append(code)
        if cycle_moved:
            changed_by_airport.setdefault(code, []).append("source_cycle")
    # Seeing an airport in a new cycle is not a change of its data: updated_at stays.
    report.recycled = await _codes(
        connection,
        f"UPDATE airports a SET source_cycle = :cycle FROM stage_airports s"
        f" WHERE {same_source} AND a.source_cycle IS DISTINCT FROM :cycle RETURNING a.code",
        cycle=cycle,
    )
    report.new = await _codes(
        connection,
        f"""
        WITH inserted AS (
            INSERT INTO airports ({official}, source_cycle, landing_rights,
                                  {", ".join(facts.FACT_COLUMNS)})
            SELECT {", ".join(f"s.{c}" for c in OFFICIAL_COLUMNS)}, :cycle,
                   CASE WHEN s.facility_use = 'PR' THEN 'private' ELSE 'public' END,
                   {", ".join(facts.FACT_VALUES)}
            FROM stage_airports s
            LEFT JOIN stage_facts f ON f.code = s.code
            WHERE NOT EXISTS (SELECT 1 FROM airports a WHERE a.code = s.code)
            RETURNING id, code, landing_rights
        ), tagged AS (
            INSERT INTO tags (airport_id, name) SELECT id, landing_rights FROM inserted
        )
        SELECT code FROM inserted
        """,
        cycle=cycle,
    )
    await facts.apply_to_moved(connection)
    await connection.execute(
        sa.text(
            "CREATE TEMP TABLE owned ON COMMIT DROP AS SELECT a.id, a.code,"
            " s.status IN " + _CLOSED_STATUSES + " AS closed_in_cycle"
            f" FROM airports a JOIN stage_airports s ON {same_source}"
        )
    )
    await connection.execute(sa.text("CREATE UNIQUE INDEX ON owned (code)"))
    await connection.execute(sa.text("ANALYZE owned"))
    report.children_changed, children = await _replace_children(connection)
    report.closed = await _codes(
        connection,
        f"""
        WITH added AS (
        INSERT INTO tags (airport_id, name)
        SELECT a.id, 'closed' FROM airports a
        WHERE ({scope.sql()}
               AND NOT EXISTS (SELECT 1 FROM owned o WHERE o.id = a.id)
               -- listed under the same code by another source: not gone
               AND NOT EXISTS (SELECT 1 FROM stage_airports s WHERE s.code = a.code))
           OR a.id IN (SELECT id FROM owned WHERE closed_in_cycle)
        ON CONFLICT DO NOTHING
        RETURNING airport_id
        )
        SELECT a.code FROM added JOIN airports a ON a.id = added.airport_id
        """,
    )
    report.reopened = await _codes(
        connection,
        """
        DELETE FROM tags t USING owned o
        WHERE t.airport_id = o.id AND t.name = 'closed' AND NOT coalesce(o.closed_in_cycle, false)
        RETURNING o.code
        """,
    )
    report.marked_empty = await _codes(
        connection,
        f"""
        WITH added AS (
            INSERT INTO tags (airport_id, name)
            SELECT a.id, 'empty' FROM airports a JOIN owned o ON o.id = a.id
            WHERE NOT ({CONTENT_COLUMNS_SQL})
              AND a.id NOT IN ({CONTRIBUTED_AIRPORT_IDS_SQL})
            ON CONFLICT DO NOTHING
            RETURNING airport_id
        )
        SELECT o.code FROM added JOIN owned o ON o.id = added.airport_id
        """,
    )
    # Indexes first: the foreign-key validations use them.
    await bulk.restore(connection, dropped[::-1])
    await _record(connection, report, changed_by_airport, children)
    if len(report.new) + len(report.children_changed) > ANALYZE_AFTER_NEW_ROWS:
        # Readers' queries need statistics that include the new rows from the first moment.
        await connection.execute(sa.text("SET LOCAL default_statistics_target = 20"))
        await connection.execute(sa.text("ANALYZE airports, tags, runways"))
    return report


async def _replace_children(
    connection: AsyncConnection,
) -> tuple[list[str], dict[str, list[str]]]:
    """Make runways, runway ends, remarks and frequencies of owned airports equal to the cycle.

    Rows that did not change are kept as they are (same ids); airports whose children changed
    have their ``updated_at`` moved. The codes of those airports, and for each airport whose
    children changed, which of them.
    """
    runway_values = _row("s", _RUNWAY_COLUMNS[1:])
    end_values = _row("s", _END_COLUMNS[1:])
    statements = [
        (
            "runways",
            f"""
        DELETE FROM runways r USING owned o
        WHERE r.airport_id = o.id AND NOT EXISTS (
            SELECT 1 FROM stage_runways s WHERE s.airport_code = o.code AND s.number = r.number
              AND {runway_values} IS NOT DISTINCT FROM {_row("r", _RUNWAY_COLUMNS[1:])})
        RETURNING r.airport_id
        """,
        ),
        (
            "runways",
            f"""
        INSERT INTO runways (airport_id, {", ".join(_RUNWAY_COLUMNS)})
        SELECT o.id, {", ".join(f"s.{c}" for c in _RUNWAY_COLUMNS)}
        FROM stage_runways s JOIN owned o ON o.code = s.airport_code
        WHERE NOT EXISTS (SELECT 1 FROM runways r WHERE r.airport_id = o.id AND r.number = s.number)
        RETURNING airport_id
        """,
        ),
        (
            "runway_ends",
            f"""
        DELETE FROM runway_ends e USING runways r, owned o
        WHERE e.runway_id = r.id AND r.airport_id = o.id AND NOT EXISTS (
            SELECT 1 FROM stage_runway_ends s
            WHERE s.airport_code = o.code AND s.runway_number = r.number AND s.end_id = e.end_id
              AND {end_values} IS NOT DISTINCT FROM {_row("e", _END_COLUMNS[1:])})
        RETURNING r.airport_id
        """,
        ),
        (
            "runway_ends",
            f"""
        INSERT INTO runway_ends (runway_id, {", ".join(_END_COLUMNS)})
        SELECT r.id, {", ".join(f"s.{c}" for c in _END_COLUMNS)}
        FROM stage_runway_ends s
        JOIN owned o ON o.code = s.airport_code
        JOIN runways r ON r.airport_id = o.id AND r.number = s.runway_number
        WHERE NOT EXISTS (
            SELECT 1 FROM runway_ends e WHERE e.runway_id = r.id AND e.end_id = s.end_id)
        RETURNING (SELECT r.airport_id FROM runways r WHERE r.id = runway_id) AS airport_id
        """,
        ),
        (
            "remarks",
            """
        DELETE FROM remarks m USING owned o
        WHERE m.airport_id = o.id AND NOT EXISTS (
            SELECT 1 FROM stage_remarks s
            WHERE s.airport_code = o.code AND s.position = m.position
              AND s.element = m.element AND s.text = m.text)
        RETURNING m.airport_id
        """,
        ),
        (
            "remarks",
            """
        INSERT INTO remarks (airport_id, position, element, text)
        SELECT o.id, s.position, s.element, s.text
        FROM stage_remarks s JOIN owned o ON o.code = s.airport_code
        WHERE NOT EXISTS (
            SELECT 1 FROM remarks m WHERE m.airport_id = o.id AND m.position = s.position)
        RETURNING airport_id
        """,
        ),
        (
            "frequencies",
            """
        DELETE FROM frequencies f USING owned o
        WHERE f.airport_id = o.id AND NOT EXISTS (
            SELECT 1 FROM stage_frequencies s
            WHERE s.airport_code = o.code AND s.use = f.use
              AND s.frequency_mhz = f.frequency_mhz
              AND s.description IS NOT DISTINCT FROM f.description)
        RETURNING f.airport_id
        """,
        ),
        (
            "frequencies",
            """
        INSERT INTO frequencies (airport_id, use, frequency_mhz, description)
        SELECT o.id, s.use, s.frequency_mhz, s.description
        FROM stage_frequencies s JOIN owned o ON o.code = s.airport_code
        WHERE NOT EXISTS (
            SELECT 1 FROM frequencies f WHERE f.airport_id = o.id AND f.use = s.use
              AND f.frequency_mhz = s.frequency_mhz
              AND f.description IS NOT DISTINCT FROM s.description)
        RETURNING airport_id
        """,
        ),
    ]
    # Airports whose children changed are collected in the database, not shipped to Python.
    await connection.execute(
        sa.text("CREATE TEMP TABLE touched (airport_id uuid, part text) ON COMMIT DROP")
    )
    for part, statement in statements:
        await connection.execute(
            sa.text(
                f"WITH changed AS ({statement}) INSERT INTO touched"
                " SELECT DISTINCT airport_id, :part FROM changed"
            ),
            {"part": part},
        )
    parts = await connection.execute(
        sa.text(
            "SELECT a.code, array_agg(DISTINCT t.part) FROM touched t"
            " JOIN airports a ON a.id = t.airport_id GROUP BY a.code"
        )
    )
    children = {code: list(names) for code, names in parts}
    updated = await _codes(
        connection,
        """
        UPDATE airports SET updated_at = now()
        WHERE id IN (SELECT airport_id FROM touched) AND updated_at < now()
        RETURNING code
        """,
    )
    return updated, children


async def _record(
    connection: AsyncConnection,
    report: LoadReport,
    changed: dict[str, list[str]],
    children: dict[str, list[str]],
) -> None:
    """Record what the cycle changed, airport by airport: new airports, official fields,
    runways, remarks and frequencies, the cycle that lists them, tags; and closures."""
    changes: dict[str, set[str]] = {}

    def add(codes: Iterable[str], *fields: str) -> None:
        for code in codes:
            changes.setdefault(code, set()).update(fields)

    add(report.new, "airport")
    for code, fields in changed.items():
        add([code], *fields)
    for code, parts in children.items():
        add([code], *parts)
    add(report.recycled, "source_cycle")
    add(report.marked_empty, "tags")
    if changes:
        await record_changes(connection, ChangeKind.IMPORT, changes)
    closures = dict.fromkeys([*report.closed, *report.reopened], ("tags",))
    if closures:
        await record_changes(connection, ChangeKind.CLOSURE, closures)
