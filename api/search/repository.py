"""SQL for search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.catalogue import POPULATED, SURFACE_PATTERNS
from api.core.geo import METERS_PER_NAUTICAL_MILE, METERS_PER_STATUTE_MILE

_RESULT_COLUMNS = """
    a.code, a.icao_code, a.name, a.facility_type, a.facility_use, a.importance,
    a.city, a.state, a.country, a.latitude, a.longitude,
    EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name = 'closed') AS closed,
    CASE WHEN a.facility_type IN ('heliport', 'seaplane_base') THEN 17 ELSE 16 END
        AS zoom_level,
    a.bbox_ne_latitude, a.bbox_ne_longitude, a.bbox_sw_latitude, a.bbox_sw_longitude
"""

# Exact code or ICAO first, then the FAA code inside a K-prefixed ICAO code, then matches on the
# code or name by words and prefixes, then near-misses of the name (typos); within each, open
# before closed, the more important airport first (a towered field with scheduled service
# before a private heliport of a similar name), then the better match, then the nearer.
_TEXT_SQL = sa.text(
    f"""
    WITH query AS (
        SELECT to_tsquery('simple', :tsquery) AS tsq,
               CASE WHEN :has_point
                    THEN ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography END AS point
    ), matched AS MATERIALIZED (
        -- One branch per index: an OR of them all would be read by scanning every airport.
        SELECT id FROM airports WHERE code = :code OR code = :k_code
        UNION SELECT id FROM airports WHERE icao_code = :code
        UNION SELECT a.id FROM airports a, query q WHERE a.search_document @@ q.tsq
    ), candidates AS (
        SELECT id FROM matched
        -- The trigram scan for typos costs more than all the rest: only when no word matched.
        UNION ALL
        SELECT id FROM airports
        WHERE NOT EXISTS (SELECT 1 FROM matched) AND :text <% name
    ), hits AS (
        SELECT a.*,
               CASE WHEN a.code = :code OR a.icao_code = :code THEN 0
                    WHEN a.code = :k_code THEN 1
                    WHEN a.search_document @@ q.tsq THEN 2
                    ELSE 3 END AS tier,
               ts_rank(a.search_document, q.tsq) AS rank,
               word_similarity(:text, a.name) AS similarity,
               ST_Distance(a.location, q.point, false) / 1852.0 AS distance_nm
        -- Looked up by id (a join would be planned as a scan of every airport).
        FROM candidates c, query q,
             LATERAL (SELECT * FROM airports WHERE airports.id = c.id) a
    )
    SELECT {_RESULT_COLUMNS}, a.distance_nm, a.tier
    FROM hits a
    ORDER BY a.tier, closed, a.importance DESC, a.rank DESC, a.similarity DESC,
             a.distance_nm NULLS LAST, a.code
    LIMIT :limit
    """
)

_CUSTOM_PLANS = sa.text("SET LOCAL plan_cache_mode = force_custom_plan")

# Distances are measured on the sphere, as the index-assisted ``<->`` ordering measures them, so
# the distances shown always grow down the list.
_NEAREST_SQL = sa.text(
    f"""
    SELECT {_RESULT_COLUMNS},
           ST_Distance(a.location, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, false)
               / 1852.0 AS distance_nm
    FROM airports a
    ORDER BY a.location <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, a.code
    LIMIT :limit
    """
)


async def search_text(
    session: AsyncSession,
    *,
    text: str,
    tsquery: str,
    code: str,
    k_code: str | None,
    point: tuple[float, float] | None,
    limit: int,
) -> Sequence[sa.Row[Any]]:
    """Airports matching ``text`` by code, words, prefixes or near-misses, best first."""
    lat, lon = point if point else (0.0, 0.0)
    params = {
        "text": text,
        "tsquery": tsquery,
        "code": code,
        "k_code": k_code,
        "has_point": point is not None,
        "lat": lat,
        "lon": lon,
        "limit": limit,
    }
    # A plan made for the words typed: a prepared statement's generic plan, which PostgreSQL
    # may switch to after five runs, reads the index branches blind (ten times slower).
    await session.execute(_CUSTOM_PLANS)
    return (await session.execute(_TEXT_SQL, params)).all()


async def nearest(
    session: AsyncSession, latitude: float, longitude: float, limit: int
) -> Sequence[sa.Row[Any]]:
    """The airports nearest to a point."""
    result = await session.execute(
        _NEAREST_SQL, {"lat": latitude, "lon": longitude, "limit": limit}
    )
    return result.all()


async def airport_position(
    session: AsyncSession, code: str, k_code: str | None
) -> sa.Row[Any] | None:
    """(code, latitude, longitude) of the airport with this code or ICAO code."""
    result = await session.execute(
        sa.text(
            "SELECT code, latitude, longitude FROM airports"
            " WHERE code = :code OR icao_code = :code OR code = :k_code"
            " ORDER BY (code = :code) DESC, (icao_code = :code) IS TRUE DESC LIMIT 1"
        ),
        {"code": code, "k_code": k_code},
    )
    return result.one_or_none()


@dataclass(frozen=True, slots=True)
class AdvancedFilters:
    centre: tuple[float, float] | None
    radius_metres: float | None
    # west, south, east, north
    bbox: tuple[float, float, float, float] | None
    facility_types: Sequence[str]
    access: Sequence[str]
    min_runway_length_ft: int | None
    surfaces: Sequence[str]
    lighted: bool | None
    max_elevation_ft: int | None
    tags: Sequence[str]
    all_tags: bool
    include_closed: bool
    limit: int
    offset: int


async def advanced_search(
    session: AsyncSession, filters: AdvancedFilters
) -> tuple[int, Sequence[sa.Row[Any]]]:
    """One page of airports matching every filter, and the total count."""
    conditions: list[str] = []
    params: dict[str, Any] = {"limit": filters.limit, "offset": filters.offset}
    distance = "NULL::double precision"
    order = "a.importance DESC, a.name, a.code" if filters.bbox else "a.name, a.code"
    if filters.centre is not None:
        params["lat"], params["lon"] = filters.centre
        point = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography"
        # On the sphere, like ``<->``: the order and the distances shown agree.
        distance = f"ST_Distance(a.location, {point}, false)"
        order = f"a.location <-> {point}, a.code"
        if filters.radius_metres is not None:
            params["radius"] = filters.radius_metres
            conditions.append(f"ST_DWithin(a.location, {point}, :radius, false)")
    if filters.bbox is not None:
        params["west"], params["south"], params["east"], params["north"] = filters.bbox
        conditions.append("a.latitude BETWEEN :south AND :north")
        # A box whose west edge is east of its east edge spans the antimeridian.
        conditions.append(
            "CASE WHEN CAST(:west AS float8) <= CAST(:east AS float8)"
            " THEN a.longitude BETWEEN :west AND :east"
            " ELSE a.longitude >= :west OR a.longitude <= :east END"
        )
    if filters.facility_types:
        params["facility_types"] = list(filters.facility_types)
        conditions.append("a.facility_type = ANY(:facility_types)")
    if filters.access:
        params["access"] = list(filters.access)
        conditions.append("a.landing_rights = ANY(:access)")
    if filters.max_elevation_ft is not None:
        params["max_elevation"] = filters.max_elevation_ft
        conditions.append("a.elevation_ft <= :max_elevation")
    runway: list[str] = []
    if filters.min_runway_length_ft is not None:
        params["min_length"] = filters.min_runway_length_ft
        runway.append("r.length_ft >= :min_length")
    if filters.surfaces:
        params["surface_pattern"] = "|".join(SURFACE_PATTERNS[name] for name in filters.surfaces)
        runway.append("r.surface ~ :surface_pattern")
    if filters.lighted is not None:
        params["lighted"] = filters.lighted
        runway.append("r.lighted = :lighted")
    if runway:
        # One runway must meet every runway filter at once.
        conditions.append(
            "EXISTS (SELECT 1 FROM runways r WHERE r.airport_id = a.id AND "
            + " AND ".join(runway)
            + ")"
        )
    if filters.tags:
        # ``populated`` is not stored: it is the absence of ``empty``.
        stored = sorted(set(filters.tags) - {POPULATED})
        tests: list[str] = []
        if stored:
            params["tags"] = stored
            if filters.all_tags:
                params["tag_count"] = len(stored)
                tests.append(
                    "(SELECT count(DISTINCT t.name) FROM tags t"
                    " WHERE t.airport_id = a.id AND t.name = ANY(:tags)) = :tag_count"
                )
            else:
                tests.append(
                    "EXISTS (SELECT 1 FROM tags t"
                    " WHERE t.airport_id = a.id AND t.name = ANY(:tags))"
                )
        if POPULATED in filters.tags:
            tests.append(
                "NOT EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name = 'empty')"
            )
        conditions.append("(" + (" AND " if filters.all_tags else " OR ").join(tests) + ")")
    if not filters.include_closed:
        conditions.append(
            "NOT EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name = 'closed')"
        )
    where = " AND ".join(conditions) or "true"
    sql = f"""
        SELECT a.code, a.icao_code, a.name, a.facility_type, a.facility_use, a.landing_rights,
               a.city, a.state, a.country, a.latitude, a.longitude, a.elevation_ft,
               a.importance,
               (SELECT max(r.length_ft) FROM runways r WHERE r.airport_id = a.id)
                   AS longest_runway_ft,
               {distance} / {METERS_PER_NAUTICAL_MILE} AS distance_nm,
               {distance} / {METERS_PER_STATUTE_MILE} AS distance_miles,
               coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM tags t
                         WHERE t.airport_id = a.id), '{{}}') AS tags,
               count(*) OVER () AS total
        FROM airports a
        WHERE {where}
        ORDER BY {order}
        LIMIT :limit OFFSET :offset
    """
    rows = (await session.execute(sa.text(sql), params)).all()
    if rows:
        return int(rows[0].total), rows
    if filters.offset == 0:
        return 0, rows
    count_sql = f"SELECT count(*) FROM airports a WHERE {where}"
    total = await session.scalar(sa.text(count_sql), params)
    return int(total or 0), rows
