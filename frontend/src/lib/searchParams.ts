import type { components, operations } from "../api/schema";

/** Conversion between the advanced search's filters and the page's URL query string. */

export type FacilityType = components["schemas"]["FacilityType"];
export type LandingRights = components["schemas"]["LandingRights"];
export type FlightCategory = components["schemas"]["FlightCategory"];
export type AdvancedSearchQuery = NonNullable<operations["search-advanced"]["parameters"]["query"]>;
export type Surface = NonNullable<AdvancedSearchQuery["surface"]>[number];
export type TagsMatch = NonNullable<AdvancedSearchQuery["tags_match"]>;
export type DistanceMode = "nm" | "hours";

export const FACILITY_TYPES: readonly FacilityType[] = [
  "airport",
  "heliport",
  "seaplane_base",
  "military",
  "balloonport",
  "gliderport",
  "ultralight",
];
export const LANDING_RIGHTS: readonly LandingRights[] = ["public", "restricted", "private"];
export const SURFACES: readonly Surface[] = ["paved", "grass", "water"];
export const FLIGHT_CATEGORIES: readonly FlightCategory[] = ["VFR", "MVFR", "IFR", "LIFR"];
/** The "events within" choices of the form, in days (the original Pirep's). */
export const EVENT_DAYS: readonly number[] = [3, 7, 30, 60, 90];
/** The most days the API looks ahead for events. */
const MAX_EVENT_DAYS = 366;
/** What the API searches when no facility type is given. */
export const DEFAULT_FACILITY_TYPES: readonly FacilityType[] = ["airport"];

export interface SearchFilters {
  /** Airport code or ICAO code distances are measured from ("" for none). */
  near: string;
  distanceMode: DistanceMode;
  /** Nautical miles from `near`. */
  withinNm: number | null;
  withinHours: number | null;
  cruiseKnots: number | null;
  facilityTypes: FacilityType[];
  access: LandingRights[];
  minRunwayLengthFt: number | null;
  surfaces: Surface[];
  lighted: boolean;
  maxElevationFt: number | null;
  tags: string[];
  tagsMatch: TagsMatch;
  /** Only airports with an event going on or starting within this many days. */
  eventsWithinDays: number | null;
  /** Only airports whose latest METAR gives one of these (none: any weather). */
  flightCategories: FlightCategory[];
  includeClosed: boolean;
  page: number;
}

export const DEFAULT_FILTERS: SearchFilters = {
  near: "",
  distanceMode: "nm",
  withinNm: null,
  withinHours: null,
  cruiseKnots: null,
  facilityTypes: [...DEFAULT_FACILITY_TYPES],
  access: [],
  minRunwayLengthFt: null,
  surfaces: [],
  lighted: false,
  maxElevationFt: null,
  tags: [],
  tagsMatch: "any",
  eventsWithinDays: null,
  flightCategories: [],
  includeClosed: false,
  page: 1,
};

function number(
  value: string | null,
  { integer = false, min = -Infinity, max = Infinity } = {},
): number | null {
  if (value === null || value.trim() === "") return null;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) return null;
  return integer ? Math.round(parsed) : parsed;
}

function flag(value: string | null): boolean {
  return value === "1" || value === "true" || value === "yes";
}

/** Known values of a repeated parameter, each once, in the order of `known`. */
function oneOf<T extends string>(values: string[], known: readonly T[]): T[] {
  const given = new Set(values);
  return known.filter((value) => given.has(value));
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((value) => value.trim()).filter(Boolean))];
}

/** Nautical miles in a statute mile. */
const NM_PER_MILE = 0.868976;

/** The radius in nautical miles; links from before Pirep spoke NM give statute miles. */
function withinNm(params: URLSearchParams): number | null {
  const nm = number(params.get("within_nm"), { min: 0 });
  if (nm !== null) return nm;
  const miles = number(params.get("within_miles"), { min: 0 });
  return miles === null ? null : Math.round(miles * NM_PER_MILE * 10) / 10;
}

/** The filters of a URL query string; anything unknown or malformed is ignored. */
export function filtersFromParams(params: URLSearchParams): SearchFilters {
  const withinHours = number(params.get("within_hours"), { min: 0 });
  const cruiseKnots = number(params.get("cruise_knots"), { min: 0 });
  const facilityTypes = oneOf(params.getAll("facility_type"), FACILITY_TYPES);
  const page = number(params.get("page"), { integer: true, min: 1 });
  const eventDays = number(params.get("events_within_days"), { integer: true, min: 1, max: MAX_EVENT_DAYS });
  return {
    near: (params.get("near") ?? "").trim().toUpperCase(),
    distanceMode: withinHours !== null || cruiseKnots !== null ? "hours" : "nm",
    withinNm: withinNm(params),
    withinHours,
    cruiseKnots,
    facilityTypes: facilityTypes.length > 0 ? facilityTypes : [...DEFAULT_FACILITY_TYPES],
    access: oneOf(params.getAll("access"), LANDING_RIGHTS),
    minRunwayLengthFt: number(params.get("min_runway_length_ft"), { integer: true, min: 0 }),
    surfaces: oneOf(params.getAll("surface"), SURFACES),
    lighted: flag(params.get("lighted")),
    maxElevationFt: number(params.get("max_elevation_ft"), { integer: true }),
    tags: unique(params.getAll("tags")),
    tagsMatch: params.get("tags_match") === "all" ? "all" : "any",
    eventsWithinDays: eventDays,
    flightCategories: oneOf(params.getAll("flight_category"), FLIGHT_CATEGORIES),
    includeClosed: flag(params.get("include_closed")),
    page: page ?? 1,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}

/**
 * The URL query string of some filters: only what differs from the defaults, in a stable order,
 * so that equal searches have equal URLs. Only the fields of the chosen distance mode are kept.
 */
export function paramsFromFilters(filters: SearchFilters): URLSearchParams {
  const params = new URLSearchParams();
  const near = filters.near.trim().toUpperCase();
  if (near) params.set("near", near);
  if (filters.distanceMode === "nm") {
    if (filters.withinNm !== null) params.set("within_nm", String(filters.withinNm));
  } else {
    if (filters.withinHours !== null) params.set("within_hours", String(filters.withinHours));
    if (filters.cruiseKnots !== null) params.set("cruise_knots", String(filters.cruiseKnots));
  }
  const facilityTypes = oneOf(filters.facilityTypes, FACILITY_TYPES);
  if (facilityTypes.length > 0 && !sameSet(facilityTypes, DEFAULT_FACILITY_TYPES)) {
    for (const type of facilityTypes) params.append("facility_type", type);
  }
  for (const rights of oneOf(filters.access, LANDING_RIGHTS)) params.append("access", rights);
  if (filters.minRunwayLengthFt !== null && filters.minRunwayLengthFt > 0) {
    params.set("min_runway_length_ft", String(filters.minRunwayLengthFt));
  }
  for (const surface of oneOf(filters.surfaces, SURFACES)) params.append("surface", surface);
  if (filters.lighted) params.set("lighted", "1");
  if (filters.maxElevationFt !== null) {
    params.set("max_elevation_ft", String(filters.maxElevationFt));
  }
  const tags = unique(filters.tags);
  for (const tag of tags) params.append("tags", tag);
  if (tags.length > 1 && filters.tagsMatch === "all") params.set("tags_match", "all");
  if (filters.eventsWithinDays !== null) {
    params.set("events_within_days", String(filters.eventsWithinDays));
  }
  for (const category of oneOf(filters.flightCategories, FLIGHT_CATEGORIES)) {
    params.append("flight_category", category);
  }
  if (filters.includeClosed) params.set("include_closed", "1");
  if (filters.page > 1) params.set("page", String(filters.page));
  return params;
}

/** The query of `GET /api/v1/airports` for some filters. */
export function apiQuery(filters: SearchFilters, perPage?: number): AdvancedSearchQuery {
  const query: AdvancedSearchQuery = {};
  const near = filters.near.trim().toUpperCase();
  if (near) {
    query.near = near;
    if (filters.distanceMode === "nm") {
      if (filters.withinNm !== null) query.within_nm = filters.withinNm;
    } else if (filters.withinHours !== null) {
      query.within_hours = filters.withinHours;
      if (filters.cruiseKnots !== null) query.cruise_knots = filters.cruiseKnots;
    }
  }
  const facilityTypes = oneOf(filters.facilityTypes, FACILITY_TYPES);
  if (facilityTypes.length > 0) query.facility_type = facilityTypes;
  if (filters.access.length > 0) query.access = oneOf(filters.access, LANDING_RIGHTS);
  if (filters.minRunwayLengthFt !== null && filters.minRunwayLengthFt > 0) {
    query.min_runway_length_ft = filters.minRunwayLengthFt;
  }
  if (filters.surfaces.length > 0) query.surface = oneOf(filters.surfaces, SURFACES);
  if (filters.lighted) query.lighted = true;
  if (filters.maxElevationFt !== null) query.max_elevation_ft = filters.maxElevationFt;
  const tags = unique(filters.tags);
  if (tags.length > 0) {
    query.tags = tags;
    query.tags_match = filters.tagsMatch;
  }
  if (filters.eventsWithinDays !== null) query.events_within_days = filters.eventsWithinDays;
  if (filters.flightCategories.length > 0) {
    query.flight_category = oneOf(filters.flightCategories, FLIGHT_CATEGORIES);
  }
  if (filters.includeClosed) query.include_closed = true;
  if (filters.page > 1) query.page = filters.page;
  if (perPage !== undefined) query.per_page = perPage;
  return query;
}

/** Sentences for filters the API would refuse, checked before searching. */
export function filterProblems(filters: SearchFilters): string[] {
  const problems: string[] = [];
  const near = filters.near.trim();
  if (filters.distanceMode === "nm") {
    if (filters.withinNm !== null && !near) {
      problems.push("Give the airport to measure the distance from.");
    }
    if (filters.withinNm !== null && (filters.withinNm <= 0 || filters.withinNm > 4000)) {
      problems.push("The distance must be more than 0 and at most 4,000 NM.");
    }
  } else {
    const some = filters.withinHours !== null || filters.cruiseKnots !== null;
    if (some && !near) problems.push("Give the airport to measure the flying time from.");
    if (some && (filters.withinHours === null || filters.cruiseKnots === null)) {
      problems.push("Give both the flying time in hours and the cruise speed in knots.");
    }
    if (filters.withinHours !== null && (filters.withinHours <= 0 || filters.withinHours > 24)) {
      problems.push("The flying time must be more than 0 and at most 24 hours.");
    }
    if (filters.cruiseKnots !== null && (filters.cruiseKnots <= 0 || filters.cruiseKnots > 1000)) {
      problems.push("The cruise speed must be more than 0 and at most 1,000 knots.");
    }
  }
  return problems;
}

/** The search radius in nautical miles, as the API computes it (hours × knots). */
export function radiusNm(filters: SearchFilters): number | null {
  if (!filters.near.trim()) return null;
  if (filters.distanceMode === "nm") return filters.withinNm;
  if (filters.withinHours === null || filters.cruiseKnots === null) return null;
  return Math.round(filters.withinHours * filters.cruiseKnots);
}
