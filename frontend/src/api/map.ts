import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { searchQuery, type Filters, type KnownFilters } from "../lib/filters";
import { airportKeys } from "./airports";
import { api, call } from "./client";
import type { paths } from "./schema";

type SearchQuery = NonNullable<paths["/api/v1/airports"]["get"]["parameters"]["query"]>;

/**
 * How many airports the map's filters match, everywhere (the map itself only holds the tiles in
 * view): the advanced search's total, asked again when the map's data changes (`version`: a
 * versioned URL of `/api/v1/meta`, which changes with it). The previous count stays until the
 * next arrives.
 */
export function useMatchCount(filters: Filters, known: KnownFilters, version: string | null) {
  const query = searchQuery(filters, known);
  return useQuery({
    queryKey: airportKeys.count(JSON.stringify(query), version),
    queryFn: () =>
      call(api.GET("/api/v1/airports", { params: { query: query as SearchQuery } })).then((page) => page.total),
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}
