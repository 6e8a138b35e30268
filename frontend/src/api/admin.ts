import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { isActiveRun } from "../pages/admin/format";
import { airportKeys } from "./airports";
import { api, call } from "./client";
import { metaKeys } from "./meta";
import type { paths } from "./schema";
import type { Schemas } from "./types";

type Query<Path extends keyof paths> = paths[Path] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;
export type VersionsQuery = Query<"/api/v1/admin/versions">;
export type UsersQuery = Query<"/api/v1/admin/users">;
export type AirportsQuery = Query<"/api/v1/admin/airports">;
export type CommentsQuery = Query<"/api/v1/admin/comments">;
export type PageQuery = Query<"/api/v1/admin/importer/runs">;

/**
 * Every admin query lives under `['admin']`: a review or a change moves the dashboard's queues and
 * meters as well as the lists, so admin writes refresh all of it.
 */
export const adminKeys = {
  all: ["admin"] as const,
  dashboard: ["admin", "dashboard"] as const,
  activity: ["admin", "activity"] as const,
  versions: (query: VersionsQuery) => ["admin", "versions", query] as const,
  users: (query: UsersQuery) => ["admin", "users", query] as const,
  user: (id: string) => ["admin", "user", id] as const,
  userTokens: (id: string) => ["admin", "user", id, "tokens"] as const,
  userActivity: (id: string, query: PageQuery) => ["admin", "user", id, "activity", query] as const,
  pageviews: (kind: "airport" | "user", id: string, query: PageQuery) => ["admin", kind, id, "analytics", query] as const,
  airports: (query: AirportsQuery) => ["admin", "airports", query] as const,
  airport: (id: string) => ["admin", "airport", id] as const,
  airportMedia: (id: string, code: string) => ["admin", "airport", id, "media", code] as const,
  comments: (query: CommentsQuery) => ["admin", "comments", query] as const,
  runs: ["admin", "importer", "runs"] as const,
  runPage: (query: PageQuery) => ["admin", "importer", "runs", query] as const,
  run: (id: string) => ["admin", "importer", "run", id] as const,
};

const POLL_MS = 2000;

function adminChanged(client: QueryClient) {
  return client.invalidateQueries({ queryKey: adminKeys.all });
}

export function useDashboard() {
  return useQuery({ queryKey: adminKeys.dashboard, queryFn: () => call(api.GET("/api/v1/admin/dashboard")) });
}

/** Most read and edited airports and most active users. */
export function useActivity() {
  return useQuery({ queryKey: adminKeys.activity, queryFn: () => call(api.GET("/api/v1/admin/activity")) });
}

export function useAdminVersions(query: VersionsQuery) {
  return useQuery({
    queryKey: adminKeys.versions(query),
    queryFn: () => call(api.GET("/api/v1/admin/versions", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useAdminUsers(query: UsersQuery) {
  return useQuery({
    queryKey: adminKeys.users(query),
    queryFn: () => call(api.GET("/api/v1/admin/users", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useAdminUser(id: string) {
  return useQuery({
    queryKey: adminKeys.user(id),
    queryFn: () => call(api.GET("/api/v1/admin/users/{user_id}", { params: { path: { user_id: id } } })),
  });
}

/** What a user did (the activity feed, with points). */
export function useUserActions(id: string, query: PageQuery) {
  return useQuery({
    queryKey: adminKeys.userActivity(id, query),
    queryFn: () => call(api.GET("/api/v1/admin/users/{user_id}/activity", { params: { path: { user_id: id }, query } })),
    placeholderData: keepPreviousData,
  });
}

/** Page views of one airport or by one user. */
export function usePageviews(kind: "airport" | "user", id: string, query: PageQuery) {
  return useQuery({
    queryKey: adminKeys.pageviews(kind, id, query),
    queryFn: () =>
      kind === "airport"
        ? call(api.GET("/api/v1/admin/airports/{airport_id}/analytics", { params: { path: { airport_id: id }, query } }))
        : call(api.GET("/api/v1/admin/users/{user_id}/analytics", { params: { path: { user_id: id }, query } })),
    placeholderData: keepPreviousData,
  });
}

export function useAdminAirports(query: AirportsQuery) {
  return useQuery({
    queryKey: adminKeys.airports(query),
    queryFn: () => call(api.GET("/api/v1/admin/airports", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useAdminAirport(id: string) {
  return useQuery({
    queryKey: adminKeys.airport(id),
    queryFn: () => call(api.GET("/api/v1/admin/airports/{airport_id}", { params: { path: { airport_id: id } } })),
  });
}

/**
 * An airport's photos and webcams, from its public detail: kept under `['admin']` so admin writes
 * refresh them, and under the airport so that deleting it drops them.
 */
export function useAirportMedia(id: string, code: string) {
  return useQuery({
    queryKey: adminKeys.airportMedia(id, code),
    queryFn: () => call(api.GET("/api/v1/airports/{code}", { params: { path: { code } } })),
  });
}

export function useAdminComments(query: CommentsQuery) {
  return useQuery({
    queryKey: adminKeys.comments(query),
    queryFn: () => call(api.GET("/api/v1/admin/comments", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Importer runs, polled while one of those shown is queued or running. */
export function useImporterRuns(query: PageQuery) {
  return useQuery({
    queryKey: adminKeys.runPage(query),
    queryFn: () => call(api.GET("/api/v1/admin/importer/runs", { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: (current) => (current.state.data?.items.some((run) => isActiveRun(run.status)) ? POLL_MS : false),
  });
}

/** One run, polled while it is queued or running; its end changes the dashboard and the meta. */
export function useImporterRun(id: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: adminKeys.run(id),
    queryFn: async () => {
      const run = await call(api.GET("/api/v1/admin/importer/runs/{run_id}", { params: { path: { run_id: id } } }));
      const previous = client.getQueryData<Schemas["ImporterRunOut"]>(adminKeys.run(id));
      if (previous && isActiveRun(previous.status) && !isActiveRun(run.status)) {
        void client.invalidateQueries({ queryKey: adminKeys.dashboard });
        void client.invalidateQueries({ queryKey: adminKeys.runs });
        void client.invalidateQueries({ queryKey: metaKeys.meta });
      }
      return run;
    },
    refetchInterval: (current) => (isActiveRun(current.state.data?.status) ? POLL_MS : false),
  });
}

export function useStartImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: Schemas["ImportRequest"]) => call(api.POST("/api/v1/admin/importer/runs", { body: request })),
    onSuccess: () => adminChanged(client),
    // A refusal says another run is active: the lists show it.
    onError: () => adminChanged(client),
  });
}

/** Turns read-only mode on or off (the meta tells every page). */
export function useSetReadOnly() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (readOnly: boolean) => call(api.PUT("/api/v1/admin/read-only", { body: { read_only: readOnly } })),
    onSuccess: () => Promise.all([adminChanged(client), client.invalidateQueries({ queryKey: metaKeys.meta })]),
  });
}

export type Reviewed = "versions" | "users" | "airports" | "comments";

export function approveMutation(client: QueryClient, kind: Reviewed, id: string) {
  return {
    mutationFn: (): Promise<unknown> => {
      const body = { reviewed: true };
      switch (kind) {
        case "versions":
          return call(api.PATCH("/api/v1/admin/versions/{version_id}", { params: { path: { version_id: id } }, body }));
        case "users":
          return call(api.PATCH("/api/v1/admin/users/{user_id}", { params: { path: { user_id: id } }, body }));
        case "airports":
          return call(api.PATCH("/api/v1/admin/airports/{airport_id}", { params: { path: { airport_id: id } }, body }));
        case "comments":
          return call(api.PATCH("/api/v1/admin/comments/{comment_id}", { params: { path: { comment_id: id } }, body }));
      }
    },
    onSuccess: () => adminChanged(client),
  };
}

/** Marks an item of a review queue as reviewed (only the admin pages show it). */
export function useApprove(kind: Reviewed, id: string) {
  return useMutation(approveMutation(useQueryClient(), kind, id));
}

/** Reverts a change: a new change puts the old values back on the airport's page. */
export function useRevertVersion(id: string, airportCode: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST("/api/v1/admin/versions/{version_id}/revert", { params: { path: { version_id: id } } })),
    onSuccess: () =>
      Promise.all([adminChanged(client), client.invalidateQueries({ queryKey: airportKeys.detail(airportCode) })]),
  });
}

export function useUpdateUser(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: Schemas["AdminUserChanges"]) =>
      call(api.PATCH("/api/v1/admin/users/{user_id}", { params: { path: { user_id: id } }, body: changes })),
    onSuccess: (user: Schemas["AdminUserOut"]) => {
      client.setQueryData(adminKeys.user(id), user);
      return adminChanged(client);
    },
  });
}

/** A user's API tokens, revoked ones included. */
export function useUserTokens(id: string) {
  return useQuery({
    queryKey: adminKeys.userTokens(id),
    queryFn: () => call(api.GET("/api/v1/admin/users/{user_id}/tokens", { params: { path: { user_id: id } } })),
  });
}

/** Gives a token a read quota of its own (null: back to the site's default). */
export function useChangeToken(userId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...changes }: { id: string } & Schemas["AdminTokenChanges"]) =>
      call(api.PATCH("/api/v1/admin/tokens/{token_id}", { params: { path: { token_id: id } }, body: changes })),
    onSuccess: () => client.invalidateQueries({ queryKey: adminKeys.userTokens(userId) }),
  });
}

export function deleteUserMutation(client: QueryClient, id: string) {
  return {
    mutationFn: () => call(api.DELETE("/api/v1/admin/users/{user_id}", { params: { path: { user_id: id } } })),
    onSuccess: () => {
      // Gone: the page about it is left, not asked for again.
      client.removeQueries({ queryKey: adminKeys.user(id) });
      return adminChanged(client);
    },
  };
}

export function useDeleteUser(id: string) {
  return useMutation(deleteUserMutation(useQueryClient(), id));
}

/** Changes an airport's official fields; its public page (under its old and new code) follows. */
export function useUpdateAirport(id: string, code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: Schemas["AdminAirportChanges"]) =>
      call(api.PATCH("/api/v1/admin/airports/{airport_id}", { params: { path: { airport_id: id } }, body: changes })),
    onSuccess: (airport: Schemas["AdminAirportOut"]) => {
      client.setQueryData(adminKeys.airport(id), airport);
      return Promise.all([
        adminChanged(client),
        client.invalidateQueries({ queryKey: airportKeys.detail(code) }),
        client.invalidateQueries({ queryKey: airportKeys.detail(airport.code) }),
        client.invalidateQueries({ queryKey: airportKeys.lists }),
      ]);
    },
  });
}

/** Deletes an airport a user added, and everything on it. */
export function useDeleteAirport(id: string, code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.DELETE("/api/v1/admin/airports/{airport_id}", { params: { path: { airport_id: id } } })),
    onSuccess: () => {
      client.removeQueries({ queryKey: adminKeys.airport(id) });
      client.removeQueries({ queryKey: airportKeys.detail(code) });
      return Promise.all([adminChanged(client), client.invalidateQueries({ queryKey: airportKeys.lists })]);
    },
  });
}

/** An administrator corrects a comment's text or helpful count. */
export function useEditComment(id: string, airportCode: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: Schemas["AdminCommentChanges"]) =>
      call(api.PATCH("/api/v1/admin/comments/{comment_id}", { params: { path: { comment_id: id } }, body: changes })),
    onSuccess: () =>
      Promise.all([adminChanged(client), client.invalidateQueries({ queryKey: airportKeys.comments(airportCode) })]),
  });
}
