"""Tag and facility-type catalogues, exported through the API so clients never hard-code them."""

from __future__ import annotations

from dataclasses import dataclass

from api.models.enums import FacilityType


@dataclass(frozen=True, slots=True)
class TagInfo:
    name: str
    label: str
    icon: str
    colour: str
    addable: bool = False
    searchable: bool = False
    origin: bool = False
    automatic: bool = False
    scroll_target: str | None = None


POPULATED = "populated"

TAGS: tuple[TagInfo, ...] = (
    TagInfo("featured", "Featured", "star", "yellow", origin=True, automatic=True),
    TagInfo(POPULATED, "Documented", "book", "green", automatic=True),
    TagInfo("restricted", "Restricted", "key", "orange", automatic=True),
    TagInfo("unmapped", "Unmapped", "map-marked-alt", "blue-grey", searchable=True),
    TagInfo(
        "events",
        "Events",
        "calendar-days",
        "light-blue",
        searchable=True,
        origin=True,
        automatic=True,
        scroll_target="events",
    ),
    TagInfo("food", "Food", "hamburger", "deep-orange", addable=True, searchable=True, origin=True),
    TagInfo(
        "camping", "Camping", "campground", "green", addable=True, searchable=True, origin=True
    ),
    TagInfo("lodging", "Lodging", "bed", "brown", addable=True, searchable=True, origin=True),
    TagInfo("car", "Car Rental", "car", "orange", addable=True, searchable=True, origin=True),
    TagInfo(
        "crew_car",
        "Crew Car",
        "car-side",
        "teal",
        addable=True,
        searchable=True,
        origin=True,
        scroll_target="crew-car",
    ),
    TagInfo(
        "bicycles", "Bicycles", "person-biking", "green", addable=True, searchable=True, origin=True
    ),
    TagInfo(
        "swimming", "Swimming", "umbrella-beach", "blue", addable=True, searchable=True, origin=True
    ),
    TagInfo(
        "golfing", "Golfing", "golf-ball", "light-green", addable=True, searchable=True, origin=True
    ),
    TagInfo("fishing", "Fishing", "fish", "cyan", addable=True, searchable=True, origin=True),
    TagInfo("hot_springs", "Hot Springs", "hot-tub", "orange", addable=True, searchable=True),
    TagInfo("museum", "Museum", "landmark", "indigo", addable=True, searchable=True),
    TagInfo(
        "flying_clubs",
        "Flying Clubs",
        "people-group",
        "deep-orange",
        addable=True,
        searchable=True,
        scroll_target="flying-clubs",
    ),
    TagInfo(
        "weather_report",
        "METAR / TAF",
        "cloud-sun",
        "lime",
        searchable=True,
        automatic=True,
        scroll_target="weather-reports",
    ),
    TagInfo(
        "webcam",
        "Webcam",
        "camera",
        "purple",
        searchable=True,
        automatic=True,
        scroll_target="webcams",
    ),
    TagInfo("airpark", "Airpark", "home", "orange", addable=True, searchable=True),
    TagInfo("closed", "Closed", "times-circle", "brown", searchable=True, automatic=True),
    TagInfo("public", "Public", "lock-open", "green", automatic=True),
    TagInfo("private", "Private", "lock", "red", automatic=True),
    TagInfo("empty", "Undocumented", "question", "pink", automatic=True),
)

TAGS_BY_NAME = {tag.name: tag for tag in TAGS}
ADDABLE_TAGS = tuple(tag.name for tag in TAGS if tag.addable)


@dataclass(frozen=True, slots=True)
class FacilityTypeInfo:
    name: str
    label: str
    icon: str | None
    colour: str | None
    default: bool = False
    hidden: bool = False


FACILITY_TYPES: tuple[FacilityTypeInfo, ...] = (
    FacilityTypeInfo(FacilityType.AIRPORT, "Airports", "plane", "green", default=True),
    FacilityTypeInfo(FacilityType.HELIPORT, "Heliports", "helicopter", "orange"),
    FacilityTypeInfo(FacilityType.SEAPLANE_BASE, "Seaplane Bases", "water", "blue"),
    FacilityTypeInfo(FacilityType.MILITARY, "Military Bases", "crosshairs", "red"),
    FacilityTypeInfo(FacilityType.BALLOONPORT, "Balloonports", None, None, hidden=True),
    FacilityTypeInfo(FacilityType.GLIDERPORT, "Gliderports", None, None, hidden=True),
    FacilityTypeInfo(FacilityType.ULTRALIGHT, "Ultralightports", None, None, hidden=True),
)


# Runway surfaces are free text in OurAirports (ASP, ASPHALT/CONCRETE, Turf, GVL, …) and codes
# joined with "-" in NASR (ASPH-CONC, TURF-DIRT): classified by the words they contain.
SURFACE_PATTERNS = {
    "paved": r"ASP|CON|PEM|BIT|PAV|TAR|METAL|STEEL|ALUM|PSP",
    "grass": r"TURF|GRASS|GRS|GRV|GVL|GRAVEL|DIRT|SAND|CLAY|SOIL|ROCK|CORAL|LAT|GRE|EARTH|SNOW"
    r"|ICE|WOOD|MATS|TRTD|TREATED|UNPAVED",
    "water": r"WAT",
}


# Points a contribution earns (shown as "altitude", in feet).
ACTION_POINTS = {
    "airport_added": 500,
    "airport_edited": 100,
    "airport_photo_uploaded": 100,
    "comment_added": 50,
    "event_added": 50,
    "tag_added": 100,
    "webcam_added": 100,
}
