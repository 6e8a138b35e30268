"""SQL rules about user content, shared by the API and the importer."""

from __future__ import annotations

from api.core.catalogue import ADDABLE_TAGS
from api.models.airports import WIKI_FIELDS

_addable = ", ".join(f"'{name}'" for name in ADDABLE_TAGS)

# True when pilots have documented the airport ``a`` in any way. Unlike the original, every kind
# of contribution counts (photos, webcams, events and comments included).
HAS_USER_CONTENT_SQL = " OR ".join(
    [f"coalesce(btrim(a.{column}), '') <> ''" for column in (*WIKI_FIELDS, "landing_requirements")]
    + [
        "a.landing_rights = 'restricted'",
        "coalesce(jsonb_array_length(a.annotations), 0) > 0",
        f"EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name IN ({_addable}))",
        "EXISTS (SELECT 1 FROM photos p WHERE p.airport_id = a.id)",
        "EXISTS (SELECT 1 FROM webcams w WHERE w.airport_id = a.id)",
        "EXISTS (SELECT 1 FROM events e WHERE e.airport_id = a.id)",
        "EXISTS (SELECT 1 FROM comments c WHERE c.airport_id = a.id)",
    ]
)
