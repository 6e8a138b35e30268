import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { Feature, FeatureCollection, Point } from "geojson";
import { airportKeys } from "./airports";
import { ApiError } from "./errors";
import type { AirportProperties } from "../lib/filters";

export type AirportFeature = Feature<Point, AirportProperties>;
export type AirportCollection = FeatureCollection<Point, AirportProperties>;

/**
 * The map's airports, fetched once from the versioned URL `/api/v1/meta` gives (a change of the
 * data gives a new URL, so a cached copy is never stale): the map draws this very object and the
 * page counts the airports that match in it. The previous version stays until the next arrives.
 */
export function useAirportsGeoJSON(url: string | null | undefined) {
  return useQuery({
    queryKey: airportKeys.geojson(url),
    queryFn: async ({ signal }): Promise<AirportCollection> => {
      const response = await fetch(url as string, { signal, credentials: "same-origin" });
      if (!response.ok) throw new ApiError(response.status, {});
      return (await response.json()) as AirportCollection;
    },
    enabled: Boolean(url),
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}
