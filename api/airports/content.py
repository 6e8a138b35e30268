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
    " UNION SELECT airport_id FROM photos"
    " UNION SELECT airport_id FROM webcams"
    " UNION SELECT airport_id FROM events"
    " UNION SELECT airport_id FROM comments"
)
