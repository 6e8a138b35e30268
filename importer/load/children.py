"""Runways, runway ends, remarks and frequencies of the owned airports made equal to the cycle."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from importer.load.sql import codes, row
from importer.load.staging import END_COLUMNS, RUNWAY_COLUMNS


async def replace_children(
    connection: AsyncConnection,
) -> tuple[list[str], dict[str, list[str]]]:
    """Make runways, runway ends, remarks and frequencies of owned airports equal to the cycle.

    Rows that did not change are kept as they are (same ids); airports whose children changed
    have their ``updated_at`` moved. The codes of those airports, and for each airport whose
    children changed, which of them.
    """
    runway_values = row("s", RUNWAY_COLUMNS[1:])
    end_values = row("s", END_COLUMNS[1:])
    statements = [
        (
            "runways",
            f"""
        DELETE FROM runways r USING owned o
        WHERE r.airport_id = o.id AND NOT EXISTS (
            SELECT 1 FROM stage_runways s WHERE s.airport_code = o.code AND s.number = r.number
              AND {runway_values} IS NOT DISTINCT FROM {row("r", RUNWAY_COLUMNS[1:])})
        RETURNING r.airport_id
        """,
        ),
        (
            "runways",
            f"""
        INSERT INTO runways (airport_id, {", ".join(RUNWAY_COLUMNS)})
        SELECT o.id, {", ".join(f"s.{c}" for c in RUNWAY_COLUMNS)}
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
              AND {end_values} IS NOT DISTINCT FROM {row("e", END_COLUMNS[1:])})
        RETURNING r.airport_id
        """,
        ),
        (
            "runway_ends",
            f"""
        INSERT INTO runway_ends (runway_id, {", ".join(END_COLUMNS)})
        SELECT r.id, {", ".join(f"s.{c}" for c in END_COLUMNS)}
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
    updated = await codes(
        connection,
        """
        UPDATE airports SET updated_at = now()
        WHERE id IN (SELECT airport_id FROM touched) AND updated_at < now()
        RETURNING code
        """,
    )
    return updated, children
