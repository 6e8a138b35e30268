import { keepPreviousData, queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiQuery, paramsFromFilters, type SearchFilters } from "../lib/searchParams";
import { airportKeys } from "./airports";
import { api, call } from "./client";

/** Where the search is made from: the map's centre breaks ties in favour of nearer airports. */
export type Near = () => { latitude: number; longitude: number } | undefined;

export const searchKeys = {
  suggestions: (q: string) => ["search", q] as const,
};

export function suggestionsQuery(q: string, near?: Near) {
  return queryOptions({
    queryKey: searchKeys.suggestions(q),
    queryFn: () => {
      const point = near?.();
      // The map's centre to a tenth of a degree: it only breaks ties, and pilots searching
      // over the same area then share the server's cached answers.
      const lat = point ? Math.round(point.latitude * 10) / 10 : undefined;
      const lon = point ? Math.round(point.longitude * 10) / 10 : undefined;
      return call(api.GET("/api/v1/airports/search", { params: { query: { q, lat, lon } } }));
    },
    staleTime: 60_000,
  });
}

/** The airports whose code or name match what was typed, the best first. */
export function useSuggestions(q: string, near: Near | undefined, enabled: boolean) {
  return useQuery({ ...suggestionsQuery(q, near), enabled });
}

/** Asks for the suggestions of a text now (from the cache when they are there). */
export function useFetchSuggestions(near: Near | undefined) {
  const client = useQueryClient();
  return (q: string) => client.fetchQuery(suggestionsQuery(q, near));
}

/** The advanced search: a page of the airports matching the filters. */
export function useAdvancedSearch(filters: SearchFilters, enabled: boolean) {
  return useQuery({
    queryKey: airportKeys.list(paramsFromFilters(filters).toString()),
    queryFn: () => call(api.GET("/api/v1/airports", { params: { query: apiQuery(filters) } })),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
