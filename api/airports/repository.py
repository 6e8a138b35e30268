"""SQL for airports."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.catalogue import ACTION_POINTS
from api.core.documents.content import (
    COMPLETION_SQL,
    CONTENT_COLUMNS_SQL,
    CONTRIBUTED_AIRPORT_IDS_SQL,
    MISSING_SQL,
    SIMILAR_SQL,
)
from api.core.documents.geojson import DOCUMENT_NAME
from api.core.geo import DEFAULT_OUTLINE_RADIUS_M, box_around, timezone_at
from api.models.airports import WIKI_FIELDS, Airport
from api.models.community import Action, Pageview, Photo, Version
from api.models.enums import ActionType, PhotoSource, VersionEvent, VersionItemType
from api.models.system import CachedDocument
from api.models.users import User, public_name

EDITABLE = (
    *WIKI_FIELDS,
    "landing_requirements",
    "landing_rights",
    "annotations",
    "cover_image",
    "featured_photo_id",
)


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

_FIELD_VERSIONS = ", ".join(f"'{field}', {token_sql(field)}" for field in EDITABLE)

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

# The weather, only while the METAR is younger than two hours (the job keeps the tag in step).
WEATHER_SQL = f"""(
    SELECT json_build_object(
        'metar', json_build_object(
            'observed_at', w.observed_at, {_CONDITIONS_JSON},
            'temperature_c', w.temperature_c, 'dewpoint_c', w.dewpoint_c,
            'ceiling_ft', (SELECT min((l->>'base_ft')::int)
                           FROM jsonb_array_elements(w.cloud_layers) l
                           WHERE l->>'cover' IN ('BKN', 'OVC', 'OVX'))),
        'tafs', coalesce((
            SELECT json_agg(json_build_object(
                'starts_at', w.starts_at, 'ends_at', w.ends_at, {_CONDITIONS_JSON})
                ORDER BY w.starts_at)
            FROM weather_reports w WHERE w.airport_id = a.id AND w.kind = 'taf'), '[]'),
        'disclaimer', '{WEATHER_DISCLAIMER}')
    FROM weather_reports w
    WHERE w.airport_id = a.id AND w.kind = 'metar'
      AND w.observed_at > now() - interval '2 hours'
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
                'height', p.height, 'created_at', p.created_at) ORDER BY p.created_at DESC)
            FROM photos p WHERE p.airport_id = a.id AND p.source = 'contributed'), '[]'),
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


# --- Editing -------------------------------------------------------------------------------

_LOCK_SQL = sa.text(
    "SELECT a.id, a.locked_at, "
    + ", ".join(f"a.{field}" for field in EDITABLE)
    + ", "
    + ", ".join(f"{token_sql(field)} AS {field}__version" for field in EDITABLE)
    + " FROM airports a WHERE a.code = :code FOR UPDATE"
)


async def lock_for_edit(session: AsyncSession, code: str) -> sa.RowMapping | None:
    """The airport's editable fields and their versions, locked until the transaction ends:
    concurrent edits of one airport are checked one after the other."""
    return (await session.execute(_LOCK_SQL, {"code": code})).mappings().first()


async def last_changes(
    session: AsyncSession, airport_id: uuid.UUID, fields: list[str]
) -> dict[str, tuple[str | None, datetime | None]]:
    """Who last changed each field (a display name, or None) and when."""
    found: dict[str, tuple[str | None, datetime | None]] = {}
    for field in fields:
        row = (
            await session.execute(
                sa.select(Version.updated_at, User.role, User.display_name)
                .outerjoin(User, User.id == Version.whodunnit_id)
                .where(
                    Version.airport_id == airport_id,
                    Version.item_type == VersionItemType.AIRPORT,
                    Version.object_changes.has_key(field),
                )
                .order_by(Version.updated_at.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            found[field] = (None, None)
            continue
        found[field] = (public_name(row.display_name, row.role), row.updated_at)
    return found


async def update_fields(
    session: AsyncSession, airport_id: uuid.UUID, values: dict[str, Any]
) -> None:
    await session.execute(
        sa.update(Airport)
        .where(Airport.id == airport_id)
        .values(**values, updated_at=sa.func.now())
    )


async def recent_own_version(
    session: AsyncSession, airport_id: uuid.UUID, user_id: uuid.UUID, within: timedelta
) -> Version | None:
    """The airport's latest change, if it is this user's, recent and not yet reviewed: edits
    in a row by one person make one version."""
    latest = await session.scalar(
        sa.select(Version)
        .where(Version.airport_id == airport_id, Version.item_type == VersionItemType.AIRPORT)
        .order_by(Version.created_at.desc(), Version.id.desc())
        .limit(1)
        .with_for_update()
    )
    if (
        latest is None
        or latest.whodunnit_id != user_id
        or latest.event != VersionEvent.UPDATE
        or latest.reviewed_at is not None
        or latest.reverted_at is not None
        or latest.updated_at < datetime.now(UTC) - within
    ):
        return None
    return latest


async def record_action(
    session: AsyncSession,
    *,
    user: User,
    kind: ActionType,
    airport_id: uuid.UUID | None,
    version_id: uuid.UUID | None,
    subject: tuple[str, uuid.UUID] | None = None,
) -> None:
    """An entry of the activity feed, and the user's points counted again."""
    session.add(
        Action(
            type=kind,
            user_id=user.id,
            airport_id=airport_id,
            version_id=version_id,
            subject_type=subject[0] if subject else None,
            subject_id=subject[1] if subject else None,
            points=ACTION_POINTS.get(kind, 0),
            created_at=sa.func.clock_timestamp(),
        )
    )
    await session.flush()
    user.points = int(
        await session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Action.points), 0)).where(
                Action.user_id == user.id
            )
        )
        or 0
    )
    user.last_edit_at = datetime.now(UTC)


# Tags present exactly while the airport has what they say.
_FOLLOWING_TAGS = {
    "webcam": "SELECT 1 FROM webcams WHERE airport_id = :id",
    "events": "SELECT 1 FROM events WHERE airport_id = :id "
    "AND (recurring_cadence IS NOT NULL OR ends_at > now())",
}


async def drop_finished_events_tags(session: AsyncSession) -> list[uuid.UUID]:
    """Take the `events` tag off every airport whose events are all over (time passes without
    any change that would sync the tag); the airports."""
    upcoming = _FOLLOWING_TAGS["events"].replace(":id", "t.airport_id")
    result = await session.execute(
        sa.text(
            f"DELETE FROM tags t WHERE t.name = 'events' AND NOT EXISTS ({upcoming}) "
            "RETURNING t.airport_id"
        )
    )
    return list(result.scalars())


async def sync_automatic_tags(session: AsyncSession, airport_id: uuid.UUID) -> bool:
    """Bring the tags that follow from an airport's content up to date (its landing rights
    tag; ``empty`` gone once it has content); whether any changed."""
    removed = await session.execute(
        sa.text(
            "DELETE FROM tags t USING airports a WHERE t.airport_id = a.id AND a.id = :id "
            "AND ((t.name IN ('public', 'restricted', 'private') AND t.name <> a.landing_rights"
            "::text) OR (t.name = 'empty' AND ("
            + CONTENT_COLUMNS_SQL
            + " OR a.id IN ("
            + CONTRIBUTED_AIRPORT_IDS_SQL
            + ")))) RETURNING t.id"
        ),
        {"id": airport_id},
    )
    added = await session.execute(
        sa.text(
            "INSERT INTO tags (airport_id, name) SELECT a.id, a.landing_rights::text "
            "FROM airports a WHERE a.id = :id ON CONFLICT DO NOTHING RETURNING id"
        ),
        {"id": airport_id},
    )
    # The webcam tag while the airport has webcams, the events tag while events are to come.
    follow = 0
    for tag, exists in _FOLLOWING_TAGS.items():
        result = await session.execute(
            sa.text(
                f"WITH has AS (SELECT EXISTS ({exists}) AS yes), "
                f"gone AS (DELETE FROM tags WHERE airport_id = :id AND name = '{tag}' "
                "AND NOT (SELECT yes FROM has) RETURNING id), "
                f"made AS (INSERT INTO tags (airport_id, name) SELECT :id, '{tag}' FROM has "
                "WHERE yes ON CONFLICT DO NOTHING RETURNING id) "
                "SELECT id FROM gone UNION ALL SELECT id FROM made"
            ),
            {"id": airport_id},
        )
        follow += len(result.all())
    # Featured while the page is complete.
    featured = await session.execute(
        sa.text(
            "WITH score AS (SELECT " + COMPLETION_SQL + " AS percent FROM airports a "
            "WHERE a.id = :id), gone AS (DELETE FROM tags WHERE airport_id = :id "
            "AND name = 'featured' AND (SELECT percent FROM score) < 100 RETURNING id), "
            "made AS (INSERT INTO tags (airport_id, name) SELECT :id, 'featured' FROM score "
            "WHERE percent >= 100 ON CONFLICT DO NOTHING RETURNING id) "
            "SELECT id FROM gone UNION ALL SELECT id FROM made"
        ),
        {"id": airport_id},
    )
    return bool(removed.all()) | bool(added.all()) | bool(follow) | bool(featured.all())


_HISTORY_SQL = sa.text(
    """
    WITH target AS (SELECT id FROM airports WHERE code = :code),
    page AS (
        SELECT v.id, v.item_type, v.item_id, v.event, v.object_changes, v.created_at,
               v.reverted_at, u.id AS user_id, u.display_name, u.role
        FROM versions v JOIN target t ON v.airport_id = t.id
        LEFT JOIN users u ON u.id = v.whodunnit_id
        ORDER BY v.created_at DESC, v.id DESC
        LIMIT CAST(:limit AS integer) OFFSET CAST(:offset AS integer)
    )
    SELECT json_build_object(
        'total', (SELECT count(*) FROM versions v JOIN target t ON v.airport_id = t.id),
        'page', CAST(:page AS integer), 'per_page', CAST(:limit AS integer),
        'items', coalesce((SELECT json_agg(json_build_object(
            'id', p.id, 'item_type', p.item_type, 'item_id', p.item_id, 'event', p.event,
            'author', CASE WHEN p.user_id IS NULL THEN NULL ELSE json_build_object(
                'id', p.user_id,
                'name', coalesce(p.display_name, CASE WHEN p.role = 'unknown'
                    THEN 'a pilot without an account' ELSE 'a pilot' END)) END,
            'changes', p.object_changes, 'created_at', p.created_at,
            'reverted_at', p.reverted_at) ORDER BY p.created_at DESC, p.id DESC)
            FROM page p), '[]'))::text
    FROM target
    """
)


async def history_json(session: AsyncSession, code: str, page: int, per_page: int) -> str | None:
    """A page of the airport's history as JSON text, built by PostgreSQL; None: no airport."""
    value: str | None = await session.scalar(
        _HISTORY_SQL,
        {"code": code, "page": page, "limit": per_page, "offset": (page - 1) * per_page},
    )
    return value


async def find_airport(
    session: AsyncSession, code: str, k_code: str | None
) -> sa.Row[uuid.UUID, str, str, str | None, str | None] | None:
    """The airport of an FAA code, an ICAO code or K + FAA code (KPAE: PAE), the exact code
    first: its id, code, name, city and state."""
    return (
        await session.execute(
            sa.select(Airport.id, Airport.code, Airport.name, Airport.city, Airport.state)
            .where(sa.or_(Airport.code == code, Airport.icao_code == code, Airport.code == k_code))
            .order_by(Airport.code != code)
            .limit(1)
        )
    ).first()


async def record_view(
    session: AsyncSession, airport_id: uuid.UUID, view: Mapping[str, object], window_minutes: int
) -> bool:
    """A pageview, unless the same visitor (user, else address) viewed the airport within
    ``window_minutes``; whether it was recorded."""
    recent = await session.scalar(
        sa.text(
            "SELECT 1 FROM pageviews WHERE created_at > now() - make_interval(mins => :window) "
            "AND airport_id = :airport AND (user_id = :user_id OR (CAST(:user_id AS uuid) IS NULL "
            "AND user_id IS NULL AND ip_address = CAST(:ip_address AS inet))) LIMIT 1"
        ),
        {"window": window_minutes, "airport": airport_id, **view},
    )
    if recent:
        return False
    await session.execute(sa.insert(Pageview).values(airport_id=airport_id, **view))
    return True


async def airport_id_of(session: AsyncSession, code: str) -> uuid.UUID | None:
    return await session.scalar(sa.select(Airport.id).where(Airport.code == code))


async def add_tag(session: AsyncSession, airport_id: uuid.UUID, name: str) -> uuid.UUID | None:
    """The new tag's id, or None when the airport already has it."""
    tag_id: uuid.UUID | None = await session.scalar(
        sa.text(
            "INSERT INTO tags (airport_id, name) VALUES (:airport, :name) "
            "ON CONFLICT DO NOTHING RETURNING id"
        ),
        {"airport": airport_id, "name": name},
    )
    return tag_id


async def remove_tag(session: AsyncSession, airport_id: uuid.UUID, name: str) -> uuid.UUID | None:
    tag_id: uuid.UUID | None = await session.scalar(
        sa.text("DELETE FROM tags WHERE airport_id = :airport AND name = :name RETURNING id"),
        {"airport": airport_id, "name": name},
    )
    return tag_id


async def add_version(
    session: AsyncSession,
    *,
    item_type: VersionItemType,
    item_id: uuid.UUID,
    airport_id: uuid.UUID,
    event: VersionEvent,
    whodunnit_id: uuid.UUID,
    changes: dict[str, Any],
    reviewed: bool = False,
    state: dict[str, Any] | None = None,
) -> Version:
    version = Version(
        item_type=item_type,
        item_id=item_id,
        airport_id=airport_id,
        event=event,
        whodunnit_id=whodunnit_id,
        object=state,
        object_changes=changes,
        reviewed_at=datetime.now(UTC) if reviewed else None,
        # The time of the change itself, not of its transaction's start: the order of the
        # history is the order of the changes.
        created_at=sa.func.clock_timestamp(),
        updated_at=sa.func.clock_timestamp(),
    )
    session.add(version)
    await session.flush()
    return version


_VALUES_SQL = (
    "SELECT a.id, a.code, " + ", ".join(f"a.{field}" for field in EDITABLE) + " FROM airports a"
)


async def editable_values(session: AsyncSession, code: str) -> sa.RowMapping | None:
    return (
        (await session.execute(sa.text(_VALUES_SQL + " WHERE a.code = :code"), {"code": code}))
        .mappings()
        .first()
    )


async def editable_values_by_id(session: AsyncSession, airport_id: uuid.UUID) -> sa.RowMapping:
    return (
        (await session.execute(sa.text(_VALUES_SQL + " WHERE a.id = :id"), {"id": airport_id}))
        .mappings()
        .one()
    )


async def airport_versions_after(
    session: AsyncSession, airport_id: uuid.UUID, version: Version
) -> list[Version]:
    """The airport's own versions made after ``version``, newest first."""
    rows = await session.scalars(
        sa.select(Version)
        .where(
            Version.airport_id == airport_id,
            Version.item_type == VersionItemType.AIRPORT,
            sa.tuple_(Version.created_at, Version.id) > sa.tuple_(version.created_at, version.id),
        )
        .order_by(Version.created_at.desc(), Version.id.desc())
    )
    return list(rows)


async def next_unmapped_code(session: AsyncSession) -> str:
    """``UNM`` and the next number (two digits at least); one at a time, whatever the number of
    pilots adding airports at once."""
    await session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('pirep.unmapped_code'))"))
    highest = await session.scalar(
        sa.text(
            "SELECT max(substring(code FROM 4)::integer) FROM airports WHERE code ~ '^UNM[0-9]+$'"
        )
    )
    return f"UNM{(highest or 0) + 1:02d}"


async def insert_user_airport(session: AsyncSession, code: str, data: Any) -> uuid.UUID:
    # The time zone data takes most of a second to load the first time: not on the event loop.
    zone = await asyncio.to_thread(timezone_at, data.latitude, data.longitude)
    south, west, north, east = box_around(data.latitude, data.longitude, DEFAULT_OUTLINE_RADIUS_M)
    result = await session.execute(
        sa.insert(Airport)
        .values(
            code=code,
            name=data.name.strip(),
            latitude=data.latitude,
            longitude=data.longitude,
            elevation_ft=data.elevation_ft,
            facility_type="airport",
            facility_use="PR",
            ownership_type="PR",
            landing_rights=data.landing_rights.value,
            data_source="user_contributed",
            timezone=zone,
            timezone_checked_at=sa.func.now(),
            bbox_sw_latitude=south,
            bbox_sw_longitude=west,
            bbox_ne_latitude=north,
            bbox_ne_longitude=east,
        )
        .returning(Airport.id)
    )
    airport_id: uuid.UUID = result.scalar_one()
    return airport_id


async def add_webcam(
    session: AsyncSession, airport_id: uuid.UUID, url: str, user_id: uuid.UUID
) -> uuid.UUID | None:
    """The new webcam's id, or None when the airport has it already."""
    webcam_id: uuid.UUID | None = await session.scalar(
        sa.text(
            "INSERT INTO webcams (airport_id, url, created_by_id) VALUES (:airport, :url, :user) "
            "ON CONFLICT DO NOTHING RETURNING id"
        ),
        {"airport": airport_id, "url": url, "user": user_id},
    )
    return webcam_id


async def remove_webcam(
    session: AsyncSession, airport_id: uuid.UUID, webcam_id: uuid.UUID
) -> str | None:
    """The removed webcam's URL, or None when the airport has no such webcam."""
    url: str | None = await session.scalar(
        sa.text("DELETE FROM webcams WHERE id = :id AND airport_id = :airport RETURNING url"),
        {"id": webcam_id, "airport": airport_id},
    )
    return url


async def add_photo(
    session: AsyncSession,
    *,
    photo_id: uuid.UUID,
    airport_id: uuid.UUID,
    uploader_id: uuid.UUID,
    key: str,
    photo: Any,
) -> None:
    session.add(
        Photo(
            id=photo_id,
            airport_id=airport_id,
            uploader_id=uploader_id,
            source=PhotoSource.CONTRIBUTED,
            storage_key=key,
            content_type=photo.content_type,
            size_bytes=len(photo.body),
            width=photo.width,
            height=photo.height,
        )
    )
    await session.flush()


async def photo_of_airport(
    session: AsyncSession, photo_id: uuid.UUID, airport_id: uuid.UUID
) -> bool:
    statement = sa.select(Photo.id).where(Photo.id == photo_id, Photo.airport_id == airport_id)
    return (await session.execute(statement)).first() is not None
