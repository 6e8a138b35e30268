"""SQL for airports."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.airports.geojson import DOCUMENT_NAME
from api.models.airports import WIKI_FIELDS
from api.models.system import CachedDocument, SiteSettings

_WIKI_JSON = ", ".join(
    f"'{field}', json_build_object('text', a.{field}, 'updated_at', NULL)" for field in WIKI_FIELDS
)

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
        'tower_type', a.tower_type, 'landing_fee', a.landing_fee,
        'data_source', a.data_source, 'source_cycle', a.source_cycle,
        'authoritative', a.data_source = 'faa',
        'closed', EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name = 'closed'),
        'landing_rights', a.landing_rights, 'landing_requirements', a.landing_requirements,
        'wiki', json_build_object({_WIKI_JSON}),
        'annotations', coalesce(a.annotations, '[]'::jsonb),
        'cover_image', a.cover_image, 'timezone', a.timezone,
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
        'created_at', a.created_at, 'updated_at', a.updated_at
    )::text
    FROM target a
    LEFT JOIN LATERAL (
        SELECT to_char(cycle, 'YYYY-MM-DD') AS cycle FROM faa_data_cycles
        WHERE product = 'diagrams'
    ) dc ON true
    """
)


async def airport_detail_json(
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


async def geojson_etag(session: AsyncSession) -> str | None:
    """The ETag of the stored airports GeoJSON document, if it was built."""
    return await session.scalar(
        sa.select(CachedDocument.etag).where(CachedDocument.name == DOCUMENT_NAME)
    )


async def geojson_document(session: AsyncSession) -> CachedDocument | None:
    """The stored airports GeoJSON document, if it was built."""
    return await session.get(CachedDocument, DOCUMENT_NAME)


async def data_generation(session: AsyncSession) -> int:
    """The counter moved by every change of airport data."""
    return int(await session.scalar(sa.select(SiteSettings.data_generation)) or 0)


async def bump_data_generation(session: AsyncSession) -> None:
    """Tell every web process that airport data changed."""
    await session.execute(
        sa.update(SiteSettings).values(data_generation=SiteSettings.data_generation + 1)
    )
