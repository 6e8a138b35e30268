"""Every SQLAlchemy model of Pirep (framework-free)."""

from api.models.airports import (
    WIKI_FIELDS,
    Airport,
    AirportMarker,
    Frequency,
    Remark,
    Runway,
    RunwayEnd,
    Tag,
)
from api.models.base import Base
from api.models.community import (
    Action,
    Comment,
    CommentHelpful,
    Event,
    Pageview,
    Photo,
    Version,
    Webcam,
)
from api.models.system import (
    CachedDocument,
    DataChange,
    FaaDataCycle,
    ImporterRun,
    RateLimitBucket,
    SiteSettings,
    WeatherReport,
)
from api.models.users import ApiToken, Session, User, UserToken

__all__ = [
    "WIKI_FIELDS",
    "Action",
    "Airport",
    "AirportMarker",
    "ApiToken",
    "Base",
    "CachedDocument",
    "Comment",
    "CommentHelpful",
    "DataChange",
    "Event",
    "FaaDataCycle",
    "Frequency",
    "ImporterRun",
    "Pageview",
    "Photo",
    "RateLimitBucket",
    "Remark",
    "Runway",
    "RunwayEnd",
    "Session",
    "SiteSettings",
    "Tag",
    "User",
    "UserToken",
    "Version",
    "WeatherReport",
    "Webcam",
]
