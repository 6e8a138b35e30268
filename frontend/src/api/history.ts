import { useQuery } from "@tanstack/react-query";
import { airportKeys } from "./airports";
import { api, call } from "./client";

export const HISTORY_PER_PAGE = 20;

/** Every change of the airport, its tags, events and webcams, newest first. */
export function useHistory(code: string, page: number) {
  return useQuery({
    queryKey: airportKeys.historyPage(code, page),
    queryFn: () =>
      call(
        api.GET("/api/v1/airports/{code}/history", {
          params: { path: { code }, query: { page, per_page: HISTORY_PER_PAGE } },
        }),
      ),
  });
}

/** The airport's editable fields as they were just after one change (they never change). */
export function useVersion(code: string, versionId: string) {
  return useQuery({
    queryKey: airportKeys.version(code, versionId),
    queryFn: () =>
      call(
        api.GET("/api/v1/airports/{code}/versions/{version_id}", { params: { path: { code, version_id: versionId } } }),
      ),
  });
}
