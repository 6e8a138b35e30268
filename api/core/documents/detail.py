"""The airport detail document: built in one statement by PostgreSQL, then finished in Python
(Markdown rendered to HTML, names as a pilot reads them, today's sun times)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import NamedTuple

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core import markdown
from api.core.documents.content import COMPLETION_SQL, MISSING_SQL, SIMILAR_SQL
from api.core.names import display_name, display_optional
from api.core.sun import local_today, sun_times
from api.core.weather import WEATHER_SHOWN_FOR, ceiling_sql, fresh_metar_sql
from api.models.airports import EDITABLE_FIELDS, WIKI_FIELDS


def token_sql(column: str, table: str = "a") -> str:
    """SQL of a field's version: a digest of its value, so any change of it changes the version
    (the service and this document compute it with the same expression)."""
    return f"left(md5(coalesce(to_jsonb({table}.{column})::text, 'null')), 16)"


def _last_change_sql(column: str) -> str:
    return (
        "(SELECT max(v.updated_at) FROM versions v WHERE v.airport_id = a.id "
        f"AND v.item_type = 'airport' AND v.object_changes ? '{column}')"
    )


_WIKI_JSON = ", ".join(
    f"'{field}', json_build_object('text', a.{field}, 'updated_at', {_last_change_sql(field)}, "
    f"'version', {token_sql(field)})"
    for field in WIKI_FIELDS
)

# How a webcam can be shown: an image (HTTPS, a picture or a camera's CGI), a frame (HTTPS,
# a host the content security policy lets frame), or else a link.
WEBCAM_KIND_SQL = (
    "CASE WHEN w.url ~* '^https://[^?#]+[.](jpe?g|png|cgi|mjpg)([?#].*)?$' THEN 'image' "
    "WHEN w.url ~* '^https://video[.]nest[.]com/' THEN 'frame' ELSE 'link' END"
)

_FIELD_VERSIONS = ", ".join(f"'{field}', {token_sql(field)}" for field in EDITABLE_FIELDS)

WEATHER_DISCLAIMER = (
    "Not for flight planning: reports may be late, incomplete or wrong. Get an official "
    "briefing before you fly."
)

# The conditions of a METAR row ``w`` or a TAF period (shared keys of both).
_CONDITIONS_JSON = (
    "'flight_category', w.flight_category, 'raw', w.raw, 'wind_direction', w.wind_direction, "
    "'wind_speed_kt', w.wind_speed_kt, 'wind_gusts_kt', w.wind_gusts_kt, "
    "'visibility_sm', w.visibility_sm, 'weather', w.weather, 'cloud_layers', w.cloud_layers"
)

# The weather, only while the METAR is shown (the job keeps the tag in step).
WEATHER_SQL = f"""(
    SELECT json_build_object(
        'metar', json_build_object(
            'observed_at', w.observed_at, {_CONDITIONS_JSON},
            'temperature_c', w.temperature_c, 'dewpoint_c', w.dewpoint_c,
            'ceiling_ft', {ceiling_sql("w.cloud_layers")}),
        'tafs', coalesce((
            SELECT json_agg(json_build_object(
                'starts_at', w.starts_at, 'ends_at', w.ends_at, {_CONDITIONS_JSON})
                ORDER BY w.starts_at)
            FROM weather_reports w WHERE w.airport_id = a.id AND w.kind = 'taf'), '[]'),
        'disclaimer', '{WEATHER_DISCLAIMER}')
    FROM weather_reports w
    WHERE w.airport_id = a.id AND {fresh_metar_sql("w")}
    ORDER BY w.observed_at DESC LIMIT 1
)"""

# One round trip builds the whole detail document inside PostgreSQL.
_DETAIL_SQL = sa.text(
    f"""
    WITH target AS (
        SELECT a.* FROM airports a
        WHERE a.code = :code OR a.icao_code = :code OR a.id = :id OR a.code = :k_code
        ORDER BY (a.code = :code) DESC, (a.id = :id) IS TRUE DESC,
                 (a.icao_code = :code) IS TRUE DESC
        LIMIT 1
    )
    SELECT json_build_object(
        'id', a.id, 'code', a.code, 'icao_code', a.icao_code, 'name', a.name,
        'facility_type', a.facility_type, 'facility_use', a.facility_use,
        'ownership_type', a.ownership_type, 'status', a.status,
        'latitude', a.latitude, 'longitude', a.longitude, 'elevation_ft', a.elevation_ft,
        'city', a.city, 'state', a.state, 'country', a.country,
        'city_distance_nm', a.city_distance_nm, 'sectional', a.sectional,
        'fuel_types', a.fuel_types, 'activation_date', a.activation_date,
        'tower_type', a.tower_type, 'landing_fee', a.landing_fee, 'importance', a.importance,
        'data_source', a.data_source, 'source_cycle', a.source_cycle,
        'authoritative', a.data_source = 'faa',
        'closed', EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name = 'closed'),
        'landing_rights', a.landing_rights, 'landing_requirements', a.landing_requirements,
        'wiki', json_build_object({_WIKI_JSON}),
        'annotations', coalesce(a.annotations, '[]'::jsonb),
        'cover_image', a.cover_image, 'featured_photo_id', a.featured_photo_id,
        'timezone', a.timezone,
        'bounding_box', CASE WHEN a.bbox_ne_latitude IS NULL THEN NULL ELSE json_build_object(
            'ne_latitude', a.bbox_ne_latitude, 'ne_longitude', a.bbox_ne_longitude,
            'sw_latitude', a.bbox_sw_latitude, 'sw_longitude', a.bbox_sw_longitude) END,
        'zoom_level', CASE WHEN a.facility_type IN ('heliport', 'seaplane_base') THEN 17
                           ELSE 16 END,
        'tags', coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM tags t
                          WHERE t.airport_id = a.id), '[]'),
        'runways', coalesce((
            SELECT json_agg(json_build_object(
                'number', r.number, 'length_ft', r.length_ft, 'width_ft', r.width_ft,
                'surface', r.surface, 'condition', r.condition, 'lights', r.lights,
                'lighted', r.lighted,
                'ends', coalesce((
                    SELECT json_agg(json_build_object(
                        'end_id', e.end_id, 'true_heading', e.true_heading,
                        'latitude', e.latitude, 'longitude', e.longitude,
                        'elevation_ft', e.elevation_ft,
                        'displaced_threshold_ft', e.displaced_threshold_ft,
                        'right_traffic', e.right_traffic, 'approach_lights', e.approach_lights,
                        'visual_glide_slope', e.visual_glide_slope) ORDER BY e.end_id)
                    FROM runway_ends e WHERE e.runway_id = r.id), '[]'))
                ORDER BY r.length_ft DESC NULLS LAST, r.number)
            FROM runways r WHERE r.airport_id = a.id), '[]'),
        'frequencies', coalesce((
            SELECT json_agg(json_build_object('use', f.use, 'frequency_mhz', f.frequency_mhz,
                                              'description', f.description)
                            ORDER BY f.use, f.frequency_mhz)
            FROM frequencies f WHERE f.airport_id = a.id), '[]'),
        'remarks', coalesce((
            SELECT json_agg(json_build_object('element', m.element, 'text', m.text)
                            ORDER BY m.position)
            FROM remarks m WHERE m.airport_id = a.id), '[]'),
        'diagram', CASE WHEN a.diagram IS NULL OR dc.cycle IS NULL THEN NULL
            ELSE json_build_object(
                'png', :assets || '/diagrams/' || dc.cycle || '/' || a.diagram,
                'png_2x', :assets || '/diagrams/' || dc.cycle || '/'
                          || replace(a.diagram, '.png', '@2x.png'),
                'pdf', :assets || '/diagrams/' || dc.cycle || '/'
                       || replace(a.diagram, '.png', '.pdf')) END,
        'locked', a.locked_at IS NOT NULL,
        'photos', coalesce((SELECT json_agg(json_build_object(
                'id', p.id, 'url', :assets || '/' || p.storage_key, 'width', p.width,
                'height', p.height, 'source', p.source,
                'attributions', coalesce(p.attributions, '[]'), 'created_at', p.created_at)
                ORDER BY p.source = 'external',
                         CASE WHEN p.source = 'external' THEN p.created_at END,
                         p.created_at DESC)
            FROM photos p WHERE p.airport_id = a.id), '[]'),
        'webcams', coalesce((SELECT json_agg(json_build_object(
                'id', w.id, 'url', w.url, 'kind', {WEBCAM_KIND_SQL}) ORDER BY w.created_at)
            FROM webcams w WHERE w.airport_id = a.id), '[]'),
        'field_versions', json_build_object({_FIELD_VERSIONS}),
        'completion', json_build_object('percent', {COMPLETION_SQL}, 'missing', {MISSING_SQL}),
        'similar', {SIMILAR_SQL},
        'weather', {WEATHER_SQL},
        'created_at', a.created_at, 'updated_at', a.updated_at
    )::text
    FROM target a
    LEFT JOIN LATERAL (
        SELECT to_char(cycle, 'YYYY-MM-DD') AS cycle FROM faa_data_cycles
        WHERE product = 'diagrams'
    ) dc ON true
    """
)


async def detail_json(
    session: AsyncSession,
    code: str,
    airport_id: uuid.UUID | None,
    k_code: str | None,
    assets: str,
) -> str | None:
    """The detail document of the airport with this code, ICAO code or id, as JSON text."""
    result = await session.execute(
        _DETAIL_SQL, {"code": code, "id": airport_id, "k_code": k_code, "assets": assets}
    )
    value: str | None = result.scalar_one_or_none()
    return value


class Rendered(NamedTuple):
    """A detail document ready to serve."""

    body: bytes
    # When it goes stale (epoch seconds), or None.
    stale_at: float | None
    airport_id: str
    # The codes of the airports it lists as similar (nearby, sharing tags).
    similar: list[str]


def with_html(document: str, now: datetime | None = None) -> Rendered:
    """The detail document with each Markdown text also rendered to sanitised HTML, names as
    a pilot reads them, today's sun times, and when it goes stale (epoch seconds: when its
    weather stops being shown or the airport's day ends; None when neither applies)."""
    now = now or datetime.now(UTC)
    detail = orjson.loads(document)
    for wiki in detail["wiki"].values():
        wiki["html"] = markdown.render(wiki["text"])
    detail["landing_requirements_html"] = markdown.render(detail["landing_requirements"])
    detail["official_name"], detail["official_city"] = detail["name"], detail["city"]
    detail["name"] = display_name(detail["name"])
    detail["city"] = display_optional(detail["city"])
    for similar in detail["similar"]:
        similar["name"] = display_name(similar["name"])
    stale_at: list[float] = []
    if detail.get("weather"):
        observed_at = datetime.fromisoformat(detail["weather"]["metar"]["observed_at"])
        stale_at.append((observed_at + WEATHER_SHOWN_FOR).timestamp())
    detail["sun"] = None
    if detail["timezone"]:
        day, day_ends = local_today(detail["timezone"], now)
        detail["sun"] = asdict(
            sun_times(detail["latitude"], detail["longitude"], detail["timezone"], day)
        )
        stale_at.append(day_ends.timestamp())
    return Rendered(
        orjson.dumps(detail),
        min(stale_at, default=None),
        detail["id"],
        [similar["code"] for similar in detail["similar"]],
    )
