"""SQL rules about user content, shared by the API and the importer.

Unlike the original, every kind of contribution makes an airport documented: wiki text,
landing requirements or restricted access, annotations, addable tags, photos, webcams, events
and comments.
"""

from __future__ import annotations

from api.core.catalogue import ADDABLE_TAGS
from api.models.airports import WIKI_FIELDS

_addable = ", ".join(f"'{name}'" for name in ADDABLE_TAGS)

# Content held in the columns of the airport row ``a``.
CONTENT_COLUMNS_SQL = " OR ".join(
    [f"coalesce(btrim(a.{column}), '') <> ''" for column in (*WIKI_FIELDS, "landing_requirements")]
    + [
        "a.landing_rights = 'restricted'",
        "coalesce(jsonb_array_length(a.annotations), 0) > 0",
    ]
)

# Ids of every airport with content in another table; set-based, for bulk statements.
CONTRIBUTED_AIRPORT_IDS_SQL = (
    f"SELECT airport_id FROM tags WHERE name IN ({_addable})"
    " UNION SELECT airport_id FROM photos WHERE source = 'contributed'"
    " UNION SELECT airport_id FROM webcams"
    " UNION SELECT airport_id FROM events"
    " UNION SELECT airport_id FROM comments"
)


def _blank(column: str) -> str:
    return f"coalesce(btrim(a.{column}), '') = ''"


# What makes an airport's page complete, worth how many points, and what to call it when
# missing (the original's completion score; 100 makes the airport "featured").
COMPLETION_ITEMS = (
    ("description", 30, "General description"),
    ("crew_car", 10, "Crew car availability"),
    ("flying_clubs", 10, "Local flying clubs"),
    ("fuel_location", 10, "Fuel pump location"),
    ("landing_fees", 10, "Landing & tie-down fees"),
    ("transient_parking", 10, "Transient parking location"),
    ("wifi", 10, "WiFi availability"),
)
_ADDABLE_COUNT = (
    f"(SELECT count(*) FROM tags t WHERE t.airport_id = a.id AND t.name IN ({_addable}))"
)
_PHOTO_COUNT = (
    "(SELECT count(*) FROM photos p WHERE p.airport_id = a.id AND p.source = 'contributed')"
)
_WEBCAM_COUNT = "(SELECT count(*) FROM webcams w WHERE w.airport_id = a.id)"
_ANNOTATION_COUNT = "coalesce(jsonb_array_length(a.annotations), 0)"

# The score of the airport row ``a``, 0 to 100.
COMPLETION_SQL = (
    "least(100, "
    + " + ".join(
        [
            f"CASE WHEN {_blank(column)} THEN 0 ELSE {points} END"
            for column, points, _ in COMPLETION_ITEMS
        ]
        + [
            f"10 * {_ADDABLE_COUNT}",
            f"5 * {_ANNOTATION_COUNT}",
            f"10 * {_PHOTO_COUNT}",
            f"10 * {_WEBCAM_COUNT}",
            "CASE WHEN a.landing_rights = 'restricted' THEN 10 ELSE 0 END",
            f"CASE WHEN {_blank('landing_requirements')} THEN 0 ELSE 10 END",
        ]
    )
    + ")"
)

# The labels of what is missing, as a SQL text array.
MISSING_SQL = (
    "array_remove(ARRAY["
    + ", ".join(
        [f"CASE WHEN {_blank(column)} THEN '{label}' END" for column, _, label in COMPLETION_ITEMS]
        + [
            # The tags shown on every airport (public, undocumented…) are set by Pirep; what is
            # asked for is what pilots tag: food, camping, a crew car…
            f"CASE WHEN {_ADDABLE_COUNT} = 0 THEN 'What is there (food, camping, crew car…)' END",
            f"CASE WHEN {_ANNOTATION_COUNT} = 0 THEN 'Airport map annotations' END",
            f"CASE WHEN {_PHOTO_COUNT} = 0 THEN 'Airport photos' END",
            f"CASE WHEN {_WEBCAM_COUNT} = 0 THEN 'Webcam links' END",
        ]
    )
    + "]::text[], NULL)"
)

# Up to ten airports sharing the most tags pilots add with the airport ``a``, nearest first.
# The airport's own tags are read first, fenced (OFFSET 0) so that the planner starts from
# them and finds the others by tag: joined freely, it estimated thousands of them for any
# airport and read the whole tags table for every page.
SIMILAR_SQL = f"""
    coalesce((SELECT json_agg(json_build_object(
            'code', s.code, 'name', s.name, 'shared_tags', s.shared,
            'distance_nm', round((s.metres / 1852.0)::numeric, 1)))
        FROM (
            SELECT o.code, o.name, count(*) AS shared,
                   ST_Distance(o.location, a.location, false) AS metres
            FROM (
                SELECT t.name FROM tags t
                WHERE t.airport_id = a.id AND t.name IN ({_addable})
                OFFSET 0
            ) mine
            CROSS JOIN LATERAL (
                SELECT t.airport_id FROM tags t
                WHERE t.name = mine.name AND t.airport_id <> a.id
                OFFSET 0
            ) theirs
            JOIN airports o ON o.id = theirs.airport_id
            GROUP BY o.id
            ORDER BY count(*) DESC, metres
            LIMIT 10
        ) s), '[]')
"""
