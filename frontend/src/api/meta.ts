import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "./client";

export const metaKeys = {
  /** The catalogues, chart layers, client configuration and limits. */
  meta: ["meta"] as const,
  contentPacks: ["content-packs"] as const,
  offlinePacks: ["offline-packs"] as const,
};

/** `/api/v1/meta`: it changes with data cycles, the read-only switch and the map's data. */
export const metaQuery = queryOptions({
  queryKey: metaKeys.meta,
  queryFn: () => call(api.GET("/api/v1/meta")),
  staleTime: 5 * 60_000,
});

export function useMeta() {
  return useQuery(metaQuery);
}

/** The lengths and sizes the API accepts (undefined until the meta is in). */
export function useLimits() {
  return useMeta().data?.limits;
}

/** The ForeFlight content packs, rebuilt on the first of each month. */
export function useContentPacks() {
  return useQuery({
    queryKey: metaKeys.contentPacks,
    queryFn: () => call(api.GET("/api/v1/content-packs")),
  });
}

/** The offline packs of the active charts cycle: built after each cycle, the airports nightly. */
export function useOfflinePacks() {
  return useQuery({
    queryKey: metaKeys.offlinePacks,
    queryFn: () => call(api.GET("/api/v1/offline-packs")),
    staleTime: 10 * 60_000,
  });
}
