"""Closed sets of values stored in the database (enforced there by check constraints)."""

from __future__ import annotations

from enum import StrEnum


class FacilityType(StrEnum):
    AIRPORT = "airport"
    HELIPORT = "heliport"
    SEAPLANE_BASE = "seaplane_base"
    MILITARY = "military"
    BALLOONPORT = "balloonport"
    GLIDERPORT = "gliderport"
    ULTRALIGHT = "ultralight"


class FacilityUse(StrEnum):
    PUBLIC = "PU"
    PRIVATE = "PR"


class OwnershipType(StrEnum):
    PUBLIC = "PU"
    PRIVATE = "PR"
    AIR_FORCE = "MA"
    NAVY = "MN"
    ARMY = "MR"
    COAST_GUARD = "CG"


MILITARY_OWNERSHIP = frozenset(
    {OwnershipType.AIR_FORCE, OwnershipType.NAVY, OwnershipType.ARMY, OwnershipType.COAST_GUARD}
)


class AirportStatus(StrEnum):
    OPERATIONAL = "O"
    CLOSED_INDEFINITELY = "CI"
    CLOSED_PERMANENTLY = "CP"


class DataSource(StrEnum):
    FAA = "faa"
    OUR_AIRPORTS = "our_airports"
    USER_CONTRIBUTED = "user_contributed"


class LandingRights(StrEnum):
    PUBLIC = "public"
    RESTRICTED = "restricted"
    PRIVATE = "private"


class CoverImage(StrEnum):
    DEFAULT = "default"
    BEACH = "beach"
    CITY = "city"
    DESERT = "desert"
    FOREST = "forest"
    MOUNTAINS = "mountains"
    TOWN = "town"


class TagName(StrEnum):
    FEATURED = "featured"
    RESTRICTED = "restricted"
    UNMAPPED = "unmapped"
    EVENTS = "events"
    FOOD = "food"
    CAMPING = "camping"
    LODGING = "lodging"
    CAR = "car"
    CREW_CAR = "crew_car"
    BICYCLES = "bicycles"
    SWIMMING = "swimming"
    GOLFING = "golfing"
    FISHING = "fishing"
    HOT_SPRINGS = "hot_springs"
    MUSEUM = "museum"
    FLYING_CLUBS = "flying_clubs"
    WEATHER_REPORT = "weather_report"
    WEBCAM = "webcam"
    AIRPARK = "airpark"
    CLOSED = "closed"
    PUBLIC = "public"
    PRIVATE = "private"
    EMPTY = "empty"


class UserRole(StrEnum):
    ADMIN = "admin"
    KNOWN = "known"
    UNKNOWN = "unknown"


class UserTokenPurpose(StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a secret


class VersionItemType(StrEnum):
    AIRPORT = "airport"
    TAG = "tag"
    EVENT = "event"
    WEBCAM = "webcam"


class VersionEvent(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DESTROY = "destroy"


class ActionType(StrEnum):
    AIRPORT_ADDED = "airport_added"
    AIRPORT_EDITED = "airport_edited"
    AIRPORT_PHOTO_UPLOADED = "airport_photo_uploaded"
    COMMENT_ADDED = "comment_added"
    COMMENT_FLAGGED = "comment_flagged"
    COMMENT_HELPFUL = "comment_helpful"
    COMMENT_UNFLAGGED = "comment_unflagged"
    EVENT_ADDED = "event_added"
    EVENT_EDITED = "event_edited"
    EVENT_REMOVED = "event_removed"
    TAG_ADDED = "tag_added"
    TAG_REMOVED = "tag_removed"
    WEBCAM_ADDED = "webcam_added"
    WEBCAM_REMOVED = "webcam_removed"


class EventSource(StrEnum):
    AOPA = "aopa"
    EAA = "eaa"
    USER_CONTRIBUTED = "user_contributed"


class RecurringCadence(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class PhotoSource(StrEnum):
    CONTRIBUTED = "contributed"
    EXTERNAL = "external"


class WeatherReportKind(StrEnum):
    METAR = "metar"
    TAF = "taf"


class FlightCategory(StrEnum):
    VFR = "VFR"
    MVFR = "MVFR"
    IFR = "IFR"
    LIFR = "LIFR"


class ImporterRunStatus(StrEnum):
    REQUESTED = "requested"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABORTED = "aborted"
