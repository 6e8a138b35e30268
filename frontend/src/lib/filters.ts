/**
 * The map's airport filters (the original's rules): an airport is shown when its facility type
 * is enabled AND it has ANY enabled tag. "Documented" (`populated`) is on by default; enabling
 * another tag switches it off, and disabling the last enabled tag switches it back on.
 * The state lives in the URL: `?filters_facility_types=airport,heliport&filters_tags=fuel`.
 */
import type { ExpressionSpecification, FilterSpecification } from "maplibre-gl";

export interface Filters {
  types: string[];
  tags: string[];
}

export const DEFAULT_TAG = "populated";
export const TYPES_PARAM = "filters_facility_types";
export const TAGS_PARAM = "filters_tags";

function list(value: string | null, known: readonly string[]): string[] | null {
  if (value === null) return null;
  const wanted = new Set(value.split(",").map((item) => item.trim()).filter(Boolean));
  return known.filter((item) => wanted.has(item));
}

/** The filters named by the URL, or the defaults; unknown names are dropped. */
export function readFilters(
  params: URLSearchParams,
  known: { types: readonly string[]; tags: readonly string[]; defaultTypes: readonly string[] },
): Filters {
  return {
    types: list(params.get(TYPES_PARAM), known.types) ?? [...known.defaultTypes],
    tags: list(params.get(TAGS_PARAM), known.tags) ?? [DEFAULT_TAG],
  };
}

/** The URL parameters for the filters; the defaults leave the URL clean. */
export function writeFilters(
  params: URLSearchParams,
  filters: Filters,
  defaultTypes: readonly string[],
): URLSearchParams {
  const next = new URLSearchParams(params);
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((item) => b.includes(item));
  if (same(filters.types, defaultTypes)) next.delete(TYPES_PARAM);
  else next.set(TYPES_PARAM, filters.types.join(","));
  if (same(filters.tags, [DEFAULT_TAG])) next.delete(TAGS_PARAM);
  else next.set(TAGS_PARAM, filters.tags.join(","));
  return next;
}

export function toggleType(filters: Filters, type: string): Filters {
  const types = filters.types.includes(type)
    ? filters.types.filter((item) => item !== type)
    : [...filters.types, type];
  return { ...filters, types };
}

export function toggleTag(filters: Filters, tag: string): Filters {
  if (filters.tags.includes(tag)) {
    const tags = filters.tags.filter((item) => item !== tag);
    return { ...filters, tags: tags.length ? tags : [DEFAULT_TAG] };
  }
  const others = tag === DEFAULT_TAG ? filters.tags : filters.tags.filter((item) => item !== DEFAULT_TAG);
  return { ...filters, tags: [...others, tag] };
}

export function clearTags(filters: Filters): Filters {
  return { ...filters, tags: [DEFAULT_TAG] };
}

export function clearTypes(filters: Filters): Filters {
  return { ...filters, types: [] };
}

/** Whether an airport with these properties passes the filters (the same rule as the map's). */
export function matches(filters: Filters, facilityType: string, tags: readonly string[]): boolean {
  return filters.types.includes(facilityType) && tags.some((tag) => filters.tags.includes(tag));
}

/** The MapLibre expression of `matches` over the GeoJSON's `facility_type` and `tags`. */
export function matchExpression(filters: Filters): ExpressionSpecification {
  const anyTag: ExpressionSpecification = [
    "any",
    false,
    ...filters.tags.map((tag): ExpressionSpecification => ["in", tag, ["get", "tags"]]),
  ];
  return ["all", ["in", ["get", "facility_type"], ["literal", filters.types]], anyTag];
}

/** Airports that do not match, shown faintly from zoom 8; heliports are left out. */
export function hiddenFilter(filters: Filters): FilterSpecification {
  return ["all", ["!", matchExpression(filters)], ["!=", ["get", "facility_type"], "heliport"]];
}
