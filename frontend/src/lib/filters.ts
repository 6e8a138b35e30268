/**
 * The map's airport filters, in three groups: facility type, access (the landing-rights tags
 * `public`, `restricted`, `private` that every airport carries exactly one of) and the other tags.
 * An airport matches when its type is one of the ticked types, its access one of the ticked
 * access tags, and it has any of the ticked tags; a group with nothing ticked restricts nothing.
 * By default: the default types of `/api/v1/meta` (airports), public airports, any tags.
 *
 * The state lives in the URL, in the original's parameters:
 * `?filters_facility_types=airport,heliport&filters_tags=public,fuel` (access and tags share
 * `filters_tags`); an empty value (`filters_tags=`) means the group is cleared. The original's
 * own names for the access tags in its links (`public_`, `private_`) are read as ours.
 */
import type { ExpressionSpecification, FilterSpecification } from "maplibre-gl";

export interface Filters {
  types: string[];
  access: string[];
  tags: string[];
}

export interface KnownFilters {
  types: readonly string[];
  access: readonly string[];
  /** Every tag but the access ones. */
  tags: readonly string[];
  defaultTypes: readonly string[];
}

export const DEFAULT_ACCESS: readonly string[] = ["public"];
export const TYPES_PARAM = "filters_facility_types";
export const TAGS_PARAM = "filters_tags";

/** A tag name as the original Pirep wrote it in links (`public_`, `private_`), as ours. */
function ourName(name: string): string {
  return name.trim().replace(/_$/, "");
}

function list(value: string | null, known: readonly string[]): string[] | null {
  if (value === null) return null;
  const wanted = new Set(value.split(",").map(ourName).filter(Boolean));
  return known.filter((item) => wanted.has(item));
}

export function defaultFilters(known: KnownFilters): Filters {
  return {
    types: [...known.defaultTypes],
    access: known.access.filter((name) => DEFAULT_ACCESS.includes(name)),
    tags: [],
  };
}

/** The filters named by the URL, or the defaults; unknown names are dropped. */
export function readFilters(params: URLSearchParams, known: KnownFilters): Filters {
  const defaults = defaultFilters(known);
  const tagged = params.get(TAGS_PARAM);
  return {
    types: list(params.get(TYPES_PARAM), known.types) ?? defaults.types,
    access: list(tagged, known.access) ?? defaults.access,
    tags: list(tagged, known.tags) ?? defaults.tags,
  };
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item) => b.includes(item));

/** The URL parameters for the filters; the defaults leave the URL clean. */
export function writeFilters(params: URLSearchParams, filters: Filters, known: KnownFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  const defaults = defaultFilters(known);
  if (same(filters.types, defaults.types)) next.delete(TYPES_PARAM);
  else next.set(TYPES_PARAM, filters.types.join(","));
  if (same(filters.access, defaults.access) && same(filters.tags, defaults.tags)) next.delete(TAGS_PARAM);
  else next.set(TAGS_PARAM, [...filters.tags, ...filters.access].join(","));
  return next;
}

export type Group = keyof Filters;

/** Ticks or unticks one item of a group; the other groups stay as they are. */
export function toggle(filters: Filters, group: Group, name: string): Filters {
  const items = filters[group];
  return {
    ...filters,
    [group]: items.includes(name) ? items.filter((item) => item !== name) : [...items, name],
  };
}

/** A cleared group restricts nothing. */
export function clear(filters: Filters, group: Group): Filters {
  return { ...filters, [group]: [] };
}

const anyOf = (wanted: readonly string[], have: readonly string[]) =>
  wanted.length === 0 || wanted.some((item) => have.includes(item));

/** Whether an airport with these properties passes the filters (the same rule as the map's). */
export function matches(filters: Filters, facilityType: string, tags: readonly string[]): boolean {
  return anyOf(filters.types, [facilityType]) && anyOf(filters.access, tags) && anyOf(filters.tags, tags);
}

/**
 * The MapLibre expression of `matches` over an airport's `facility_type` and `tags`: a list in the
 * GeoJSON, one string with a comma before and after each tag in the vector tiles (`,fuel,public,`).
 */
export function matchExpression(filters: Filters, tagsAsText = true): ExpressionSpecification {
  const has = (tag: string): ExpressionSpecification =>
    tagsAsText ? ["in", `,${tag},`, ["get", "tags"]] : ["in", tag, ["get", "tags"]];
  const hasAny = (wanted: readonly string[]): ExpressionSpecification | boolean =>
    wanted.length === 0 || ["any", ...wanted.map(has)];
  const type: ExpressionSpecification | boolean =
    filters.types.length === 0 || ["in", ["get", "facility_type"], ["literal", filters.types]];
  return ["all", type, hasAny(filters.access), hasAny(filters.tags)];
}

/** Airports that do not match, shown faintly from close up; heliports are left out. */
export function hiddenFilter(filters: Filters, tagsAsText = true): FilterSpecification {
  return ["all", ["!", matchExpression(filters, tagsAsText)], ["!=", ["get", "facility_type"], "heliport"]];
}

/** The advanced search's parameters for the airports the filters match (to count them). */
export function searchQuery(filters: Filters, known: KnownFilters) {
  return {
    facility_type: filters.types.length > 0 ? filters.types : [...known.types],
    access: filters.access,
    tags: filters.tags,
    include_closed: true,
    per_page: 1,
  };
}
