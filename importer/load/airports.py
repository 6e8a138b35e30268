"""Load a cycle of airports: staged with COPY (``staging``), checked, then merged with
set-based SQL; the children follow (``children``), and what changed is recorded (``report``).

Only official columns are ever written. User-owned columns (wiki fields, landing requirements,
annotations, cover image, photos, tags, comments, events, webcams) are never in an UPDATE;
landing rights are set only when an airport is created; airports of another data source are
left alone; an airport whose data did not change keeps its ``updated_at``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.documents.content import CONTENT_COLUMNS_SQL, CONTRIBUTED_AIRPORT_IDS_SQL
from api.core.errors import ImportFailed
from api.models.enums import DataSource
from importer.load import bulk, facts
from importer.load.children import replace_children
from importer.load.report import LoadReport, record
from importer.load.sql import codes, row
from importer.load.staging import OFFICIAL_COLUMNS

_CLOSED_STATUSES = "('CI', 'CP')"
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
                WHERE {row("a", OFFICIAL_COLUMNS)} IS DISTINCT FROM {row("s", OFFICIAL_COLUMNS)}
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
    # What they keep derived from them is written whole at the end of a first load too.
    unindexed = bulk_tables + bulk.DERIVED_TABLES if bulk_tables else ()
    dropped = await bulk.drop_foreign_keys(connection, unindexed)
    dropped += await bulk.drop_secondary_indexes(connection, unindexed)
    if bulk_tables:
        await bulk.pause_derived(connection)

    report.staged = int(
        (await connection.execute(sa.text("SELECT count(*) FROM stage_airports"))).scalar_one()
    )
    report.skipped_other_source = await codes(
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
              AND {row("a", OFFICIAL_COLUMNS)} IS DISTINCT FROM {row("s", OFFICIAL_COLUMNS)}
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
    report.recycled = await codes(
        connection,
        f"UPDATE airports a SET source_cycle = :cycle FROM stage_airports s"
        f" WHERE {same_source} AND a.source_cycle IS DISTINCT FROM :cycle RETURNING a.code",
        cycle=cycle,
    )
    report.new = await codes(
        connection,
        f"""
        WITH inserted AS (
            INSERT INTO airports ({official}, source_cycle, landing_rights, tag_names,
                                  {", ".join(facts.FACT_COLUMNS)})
            SELECT {", ".join(f"s.{c}" for c in OFFICIAL_COLUMNS)}, :cycle, r.rights,
                   -- The tags the load gives a new airport, in name order: its landing
                   -- rights and 'empty' (nobody wrote about it yet), both added with it,
                   -- and 'closed' if the cycle says so. A first load, which computes every
                   -- airport's tag names at its end, then finds nothing to rewrite (wide
                   -- rows: 310 ms of 22,516).
                   CASE WHEN s.status IN {_CLOSED_STATUSES} THEN ARRAY['closed'] END
                       || ARRAY['empty', r.rights],
                   {", ".join(facts.FACT_VALUES)}
            FROM stage_airports s
            CROSS JOIN LATERAL (
                SELECT CASE WHEN s.facility_use = 'PR' THEN 'private' ELSE 'public' END
                    AS rights
            ) r
            LEFT JOIN stage_facts f ON f.code = s.code
            WHERE NOT EXISTS (SELECT 1 FROM airports a WHERE a.code = s.code)
            RETURNING id, code, landing_rights
        ), tagged AS (
            INSERT INTO tags (airport_id, name)
            SELECT id, landing_rights FROM inserted UNION ALL SELECT id, 'empty' FROM inserted
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
    report.children_changed, children = await replace_children(connection)
    report.closed = await codes(
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
    report.reopened = await codes(
        connection,
        """
        DELETE FROM tags t USING owned o
        WHERE t.airport_id = o.id AND t.name = 'closed' AND NOT coalesce(o.closed_in_cycle, false)
        RETURNING o.code
        """,
    )
    # The new airports were tagged 'empty' as they were added.
    report.marked_empty = report.new + await codes(
        connection,
        f"""
        WITH added AS (
            INSERT INTO tags (airport_id, name)
            SELECT a.id, 'empty' FROM airports a JOIN owned o ON o.id = a.id
            WHERE NOT ({CONTENT_COLUMNS_SQL})
              AND a.id NOT IN ({CONTRIBUTED_AIRPORT_IDS_SQL})
              -- A cycle like the last one finds the tag on nearly every airport: looked up
              -- here, no row is offered to the insert (full-scale cycle: 52 ms, not 131).
              AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name = 'empty')
            ON CONFLICT DO NOTHING
            RETURNING airport_id
        )
        SELECT o.code FROM added JOIN owned o ON o.id = added.airport_id
        """,
    )
    if bulk_tables:
        await bulk.rebuild_derived(connection)
    # Indexes first: the foreign-key validations use them.
    await bulk.restore(connection, dropped[::-1])
    await record(connection, report, changed_by_airport, children)
    if len(report.new) + len(report.children_changed) > ANALYZE_AFTER_NEW_ROWS:
        # Readers' queries need statistics that include the new rows from the first moment.
        await connection.execute(sa.text("SET LOCAL default_statistics_target = 20"))
        await connection.execute(sa.text("ANALYZE airports, tags, runways"))
    return report
