"""SQL for search."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from geoalchemy2 import Geography
from sqlalchemy.dialects.postgresql import REGCONFIG, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.catalogue import POPULATED, SURFACE_PATTERNS
from api.core.geo import METERS_PER_NAUTICAL_MILE, METERS_PER_STATUTE_MILE
from api.core.weather import WEATHER_SHOWN_FOR
from api.models import Airport
from api.models.airports import Runway, Tag
from api.models.enums import FacilityType, FacilityUse, LandingRights, TagName
from api.models.system import WeatherReport


class SearchHit(NamedTuple):
    """An airport found by the search box."""

    code: str
    icao_code: str | None
    name: str
    facility_type: FacilityType
    facility_use: FacilityUse | None
    importance: int
    city: str | None
    state: str | None
    country: str | None
    latitude: float
    longitude: float
    closed: bool
    zoom_level: int
    bbox_ne_latitude: float | None
    bbox_ne_longitude: float | None
    bbox_sw_latitude: float | None
    bbox_sw_longitude: float | None
    distance_nm: float | None


class AirportPosition(NamedTuple):
    """Where the airport with a code is."""

    code: str
    latitude: float
    longitude: float


class AdvancedHit(NamedTuple):
    """An airport found by the advanced search."""

    code: str
    icao_code: str | None
    name: str
    facility_type: FacilityType
    facility_use: FacilityUse | None
    landing_rights: LandingRights
    city: str | None
    state: str | None
    country: str | None
    latitude: float
    longitude: float
    elevation_ft: int | None
    importance: int
    longest_runway_ft: int | None
    distance_nm: float | None
    distance_miles: float | None
    tags: list[TagName]


def _select_list(
    shape: type[NamedTuple],
    source: sa.FromClause,
    computed: Mapping[str, sa.ColumnElement[Any]] | None = None,
) -> list[sa.Label[Any]]:
    """The fields of ``shape`` in order, so that each row builds one: those in ``computed`` from
    their expression, the others from the column of the same name in ``source``."""
    computed = computed or {}
    return [
        (computed[name] if name in computed else source.c[name]).label(name)
        for name in shape._fields
    ]


def _point(latitude: sa.ColumnElement[float], longitude: sa.ColumnElement[float]) -> sa.Cast[Any]:
    return sa.cast(
        sa.func.ST_SetSRID(sa.func.ST_MakePoint(longitude, latitude), 4326),
        Geography(geometry_type=None),
    )


def _distance(
    location: sa.ColumnExpressionArgument[Any], point: sa.ColumnElement[Any]
) -> sa.ColumnElement[float]:
    """Metres on the sphere, as the index-assisted ``<->`` ordering measures them, so the
    order and the distances shown agree."""
    return sa.func.ST_Distance(location, point, sa.false())


_airports = Airport.__table__
_tags = Tag.__table__
_runways = Runway.__table__
_weather = WeatherReport.__table__
# The fields of a search hit stored as they are shown.
_STORED_FIELDS = [name for name in SearchHit._fields if name in _airports.c]


def _hit_columns(a: sa.FromClause, distance_nm: sa.ColumnElement[Any]) -> list[sa.Label[Any]]:
    closed = sa.exists().where(_tags.c.airport_id == a.c.id, _tags.c.name == TagName.CLOSED)
    # Not IN (…): a list is expanded into the statement at every execution.
    zoom_level = sa.case(
        (
            sa.or_(
                a.c.facility_type == FacilityType.HELIPORT,
                a.c.facility_type == FacilityType.SEAPLANE_BASE,
            ),
            17,
        ),
        else_=16,
    )
    return _select_list(
        SearchHit, a, {"closed": closed, "zoom_level": zoom_level, "distance_nm": distance_nm}
    )


_text = sa.bindparam("text", type_=sa.Text)
_code = sa.bindparam("code", type_=_airports.c.code.type)
_k_code = sa.bindparam("k_code", type_=_airports.c.code.type)

_query = sa.select(
    sa.func.to_tsquery(
        sa.literal("simple", REGCONFIG), sa.bindparam("tsquery", type_=sa.Text)
    ).label("tsq"),
    sa.case(
        (
            sa.bindparam("has_point", type_=sa.Boolean),
            _point(sa.bindparam("lat", type_=sa.Double), sa.bindparam("lon", type_=sa.Double)),
        )
    ).label("point"),
).cte("query")
_matched = (
    # One branch per index: an OR of them all would be read by scanning every airport.
    sa.union(
        sa.select(_airports.c.id).where(
            sa.or_(_airports.c.code == _code, _airports.c.code == _k_code)
        ),
        sa.select(_airports.c.id).where(_airports.c.icao_code == _code),
        sa.select(_airports.c.id).where(_airports.c.search_document.bool_op("@@")(_query.c.tsq)),
    )
    .cte("matched")
    .prefix_with("MATERIALIZED")
)
_candidates = sa.union_all(
    sa.select(_matched.c.id),
    # The trigram scan for typos costs more than all the rest: only when no word matched.
    sa.select(_airports.c.id).where(
        ~sa.exists().select_from(_matched), _text.bool_op("<%")(_airports.c.name)
    ),
).cte("candidates")
# Looked up by id (a join would be planned as a scan of every airport).
_found = (
    sa.select(
        *(_airports.c[name] for name in _STORED_FIELDS),
        _airports.c.id,
        _airports.c.location,
        _airports.c.search_document,
    )
    .where(_airports.c.id == _candidates.c.id)
    .lateral("a")
)
_hits = (
    sa.select(
        _found,
        sa.case(
            (sa.or_(_found.c.code == _code, _found.c.icao_code == _code), 0),
            (_found.c.code == _k_code, 1),
            (_found.c.search_document.bool_op("@@")(_query.c.tsq), 2),
            else_=3,
        ).label("tier"),
        sa.func.ts_rank(_found.c.search_document, _query.c.tsq).label("rank"),
        sa.func.word_similarity(_text, _found.c.name).label("similarity"),
        (_distance(_found.c.location, _query.c.point) / METERS_PER_NAUTICAL_MILE).label(
            "distance_nm"
        ),
    )
    .select_from(_candidates.join(_query, sa.true()).join(_found, sa.true()))
    .cte("hits")
)
_hit = _hits.alias("a")
_text_hits = sa.select(*_hit_columns(_hit, _hit.c.distance_nm))
# Exact code or ICAO first, then the FAA code inside a K-prefixed ICAO code, then matches on the
# code or name by words and prefixes, then near-misses of the name (typos); within each, open
# before closed, the more important airport first (a towered field with scheduled service
# before a private heliport of a similar name), then the better match, then the nearer.
_TEXT_SEARCH = _text_hits.order_by(
    _hit.c.tier,
    _text_hits.selected_columns.closed,
    _hit.c.importance.desc(),
    _hit.c.rank.desc(),
    _hit.c.similarity.desc(),
    _hit.c.distance_nm.nulls_last(),
    _hit.c.code,
).limit(sa.bindparam("limit", type_=sa.Integer))

_CUSTOM_PLANS = sa.text("SET LOCAL plan_cache_mode = force_custom_plan")

_here = _point(sa.bindparam("lat", type_=sa.Double), sa.bindparam("lon", type_=sa.Double))
_NEAREST = (
    sa.select(
        *_hit_columns(_airports, _distance(_airports.c.location, _here) / METERS_PER_NAUTICAL_MILE)
    )
    .order_by(_airports.c.location.distance_centroid(_here), _airports.c.code)
    .limit(sa.bindparam("limit", type_=sa.Integer))
)

_POSITION = (
    sa.select(*_select_list(AirportPosition, _airports))
    .where(
        sa.or_(
            _airports.c.code == _code, _airports.c.icao_code == _code, _airports.c.code == _k_code
        )
    )
    .order_by((_airports.c.code == _code).desc(), (_airports.c.icao_code == _code).is_(True).desc())
    .limit(1)
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
) -> list[SearchHit]:
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
    result = await session.execute(_TEXT_SEARCH, params)
    return [SearchHit._make(row) for row in result]


async def nearest(
    session: AsyncSession, latitude: float, longitude: float, limit: int
) -> list[SearchHit]:
    """The airports nearest to a point."""
    result = await session.execute(_NEAREST, {"lat": latitude, "lon": longitude, "limit": limit})
    return [SearchHit._make(row) for row in result]


async def airport_position(
    session: AsyncSession, code: str, k_code: str | None
) -> AirportPosition | None:
    """The position of the airport with this code or ICAO code."""
    row = (await session.execute(_POSITION, {"code": code, "k_code": k_code})).one_or_none()
    return AirportPosition._make(row) if row is not None else None


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
    # Only these airports (those with an event soon); None: any.
    airport_ids: Sequence[uuid.UUID] | None = None
    flight_categories: Sequence[str] = ()


def _has_tag(condition: sa.ColumnElement[bool]) -> sa.Exists:
    """Whether the airport has a tag meeting ``condition``."""
    return sa.exists().where(_tags.c.airport_id == _airports.c.id, condition)


def _conditions(
    filters: AdvancedFilters, here: sa.Cast[Any] | None
) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if here is not None and filters.radius_metres is not None:
        conditions.append(
            sa.func.ST_DWithin(_airports.c.location, here, filters.radius_metres, sa.false())
        )
    if filters.bbox is not None:
        west, south, east, north = filters.bbox
        conditions.append(_airports.c.latitude.between(south, north))
        if west <= east:
            conditions.append(_airports.c.longitude.between(west, east))
        else:
            # The box spans the antimeridian.
            conditions.append(sa.or_(_airports.c.longitude >= west, _airports.c.longitude <= east))
    if filters.facility_types:
        conditions.append(_airports.c.facility_type.in_(filters.facility_types))
    if filters.access:
        conditions.append(_airports.c.landing_rights.in_(filters.access))
    if filters.max_elevation_ft is not None:
        conditions.append(_airports.c.elevation_ft <= filters.max_elevation_ft)
    runway: list[sa.ColumnElement[bool]] = []
    if filters.min_runway_length_ft is not None:
        runway.append(_runways.c.length_ft >= filters.min_runway_length_ft)
    if filters.surfaces:
        pattern = "|".join(SURFACE_PATTERNS[name] for name in filters.surfaces)
        runway.append(_runways.c.surface.regexp_match(pattern))
    if filters.lighted is not None:
        runway.append(_runways.c.lighted == filters.lighted)
    if runway:
        # One runway must meet every runway filter at once.
        conditions.append(sa.exists().where(_runways.c.airport_id == _airports.c.id, *runway))
    if filters.tags:
        # ``populated`` is not stored: it is the absence of ``empty``.
        stored = sorted(set(filters.tags) - {POPULATED})
        tests: list[sa.ColumnElement[bool]] = []
        if stored:
            if filters.all_tags:
                names = (
                    sa.select(sa.func.count(_tags.c.name.distinct()))
                    .where(_tags.c.airport_id == _airports.c.id, _tags.c.name.in_(stored))
                    .scalar_subquery()
                )
                tests.append(names == len(stored))
            else:
                tests.append(_has_tag(_tags.c.name.in_(stored)))
        if POPULATED in filters.tags:
            tests.append(~_has_tag(_tags.c.name == TagName.EMPTY))
        conditions.append(sa.and_(*tests) if filters.all_tags else sa.or_(*tests))
    if not filters.include_closed:
        conditions.append(~_has_tag(_tags.c.name == TagName.CLOSED))
    if filters.airport_ids is not None:
        conditions.append(_airports.c.id.in_(filters.airport_ids))
    if filters.flight_categories:
        conditions.append(_latest_metar_in(filters.flight_categories))
    return conditions


def _latest_metar_in(categories: Sequence[str]) -> sa.ColumnElement[bool]:
    """Whether the airport's latest METAR, if still shown, gives one of ``categories``."""
    latest = (
        sa.select(_weather.c.flight_category)
        .where(
            _weather.c.airport_id == _airports.c.id,
            _weather.c.kind == "metar",
            _weather.c.observed_at > sa.func.now() - WEATHER_SHOWN_FOR,
        )
        .order_by(_weather.c.observed_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return latest.in_(categories)


async def advanced_search(
    session: AsyncSession, filters: AdvancedFilters
) -> tuple[int, list[AdvancedHit]]:
    """One page of airports matching every filter, and the total count."""
    here: sa.Cast[Any] | None = None
    distance: sa.ColumnElement[float] = sa.cast(sa.null(), sa.Double)
    if filters.centre is not None:
        latitude, longitude = filters.centre
        here = _point(sa.literal(latitude), sa.literal(longitude))
        distance = _distance(_airports.c.location, here)
    conditions = _conditions(filters, here)
    longest_runway = (
        sa.select(sa.func.max(_runways.c.length_ft))
        .where(_runways.c.airport_id == _airports.c.id)
        .scalar_subquery()
    )
    tags = (
        sa.select(sa.func.array_agg(aggregate_order_by(_tags.c.name, _tags.c.name)))
        .where(_tags.c.airport_id == _airports.c.id)
        .scalar_subquery()
    )
    columns = _select_list(
        AdvancedHit,
        _airports,
        {
            "longest_runway_ft": longest_runway,
            "distance_nm": distance / METERS_PER_NAUTICAL_MILE,
            "distance_miles": distance / METERS_PER_STATUTE_MILE,
            "tags": sa.func.coalesce(tags, []),
        },
    )
    if here is not None:
        order = [_airports.c.location.distance_centroid(here), _airports.c.code]
    elif filters.bbox is not None:
        order = [_airports.c.importance.desc(), _airports.c.name, _airports.c.code]
    else:
        order = [_airports.c.name, _airports.c.code]
    page = (
        sa.select(sa.func.count().over().label("total"), *columns)
        .where(*conditions)
        .order_by(*order)
        .limit(filters.limit)
        .offset(filters.offset)
    )
    rows = (await session.execute(page)).all()
    hits = [AdvancedHit._make(row[1:]) for row in rows]
    if rows:
        return int(rows[0].total), hits
    if filters.offset == 0:
        return 0, hits
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(_airports).where(*conditions)
    )
    return int(total or 0), hits
