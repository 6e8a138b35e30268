"""The schema itself: migrations run both ways and the database enforces its rules."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from api.core.settings import PROJECT_ROOT

INSERT_AIRPORT = sa.text(
    "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
    " landing_rights) VALUES (:code, 'Test Field', 'airport', :lat, :lon, :source, 'public')"
    " RETURNING id"
)


async def test_position_and_search_document_follow_the_coordinates(
    connection: AsyncConnection,
) -> None:
    await connection.execute(
        INSERT_AIRPORT, {"code": "T1", "lat": 47.5, "lon": -122.25, "source": "user_contributed"}
    )
    row = (
        await connection.execute(
            sa.text(
                "SELECT ST_AsText(location), search_document::text FROM airports WHERE code='T1'"
            )
        )
    ).one()
    assert row[0] == "POINT(-122.25 47.5)"
    assert "'t1':1A" in row[1]
    await connection.execute(sa.text("UPDATE airports SET latitude = 10 WHERE code = 'T1'"))
    moved = await connection.scalar(
        sa.text("SELECT ST_Y(location::geometry) FROM airports WHERE code = 'T1'")
    )
    assert moved == 10


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        (
            "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
            " landing_rights) VALUES ('x1', 'A', 'airport', 1, 1, 'faa', 'public')",
            "ck_airports_code_upper",
        ),
        (
            "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
            " landing_rights) VALUES ('X1', 'A', 'spaceport', 1, 1, 'faa', 'public')",
            "ck_airports_facility_type",
        ),
        (
            "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
            " landing_rights) VALUES ('X1', 'A', 'airport', 91, 1, 'faa', 'public')",
            "ck_airports_latitude_range",
        ),
        (
            "INSERT INTO users (role, email) VALUES ('unknown', 'a@b.c')",
            "ck_users_only_unknown_users_have_an_ip",
        ),
        (
            "INSERT INTO site_settings (id) VALUES (false)",
            "ck_site_settings_singleton",
        ),
    ],
)
async def test_the_database_refuses_invalid_rows(
    connection: AsyncConnection, sql: str, constraint: str
) -> None:
    with pytest.raises(IntegrityError, match=constraint):
        async with connection.begin_nested():
            await connection.execute(sa.text(sql))


async def test_tags_are_unique_per_airport(connection: AsyncConnection) -> None:
    airport_id = (
        await connection.execute(
            INSERT_AIRPORT, {"code": "T2", "lat": 1, "lon": 1, "source": "faa"}
        )
    ).scalar_one()
    insert_tag = sa.text("INSERT INTO tags (airport_id, name) VALUES (:id, 'food')")
    await connection.execute(insert_tag, {"id": airport_id})
    with pytest.raises(IntegrityError, match="uq_tags_airport_id_name"):
        async with connection.begin_nested():
            await connection.execute(insert_tag, {"id": airport_id})


async def test_downgrade_to_base_and_back(cluster, fresh_database: str) -> None:  # type: ignore[no-untyped-def]
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", fresh_database)
    await asyncio.to_thread(command.downgrade, config, "base")
    await asyncio.to_thread(command.upgrade, config, "head")
    await asyncio.to_thread(command.check, config)


async def test_existing_airports_get_an_importance_an_outline_and_a_marker(
    cluster,
    fresh_database: str,  # type: ignore[no-untyped-def]
) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", fresh_database)
    await asyncio.to_thread(command.downgrade, config, "9d4e6f1a2b38")
    engine = create_async_engine(fresh_database)
    try:
        async with engine.begin() as connection:
            towered = await connection.scalar(
                INSERT_AIRPORT, {"code": "TWR1", "lat": 47.5, "lon": -122.25, "source": "faa"}
            )
            await connection.scalar(
                INSERT_AIRPORT, {"code": "BARE", "lat": 47.6, "lon": -122.3, "source": "faa"}
            )
            await connection.execute(
                sa.text(
                    "UPDATE airports SET facility_use = 'PU', tower_type = 'ATCT' WHERE id = :id"
                ),
                {"id": towered},
            )
            await connection.execute(
                sa.text(
                    "INSERT INTO runways (airport_id, number, length_ft)"
                    " VALUES (:id, '16/34', 6000)"
                ),
                {"id": towered},
            )
        await asyncio.to_thread(command.upgrade, config, "head")
        async with engine.connect() as connection:
            rows = {
                row.code: row
                for row in await connection.execute(
                    sa.text(
                        "SELECT code, importance, latitude, bbox_sw_latitude, bbox_ne_latitude"
                        " FROM airports"
                    )
                )
            }
            markers = {
                row.code: row.importance
                for row in await connection.execute(
                    sa.text("SELECT code, importance FROM airport_markers")
                )
            }
    finally:
        await engine.dispose()
    # The map's markers, kept by triggers from then on, start from the airports there were.
    assert markers == {"TWR1": 4, "BARE": 1}
    # A field, public use, a tower, a 6,000 ft runway.
    assert rows["TWR1"].importance == 4
    assert rows["BARE"].importance == 1
    # Half the runway and a margin north and south; 800 m without runways.
    twr = rows["TWR1"]
    assert (twr.bbox_ne_latitude - twr.latitude) * 111_320 == pytest.approx(6000 * 0.3048 / 2 + 250)
    bare = rows["BARE"]
    assert (bare.latitude - bare.bbox_sw_latitude) * 111_320 == pytest.approx(800)
