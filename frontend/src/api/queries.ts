import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, call, setCsrfToken } from "./client";
import type { components } from "./schema";

export type Schemas = components["schemas"];
export type Meta = Schemas["Meta"];
export type User = Schemas["UserOut"];
export type AirportDetail = Schemas["AirportDetail"];

/** The catalogues, chart layers and client configuration; they change with data cycles. */
export function useMeta() {
  return useQuery({
    queryKey: ["meta"],
    queryFn: () => call(api.GET("/api/v1/meta")),
    staleTime: 5 * 60_000,
  });
}

/** The signed-in user (null for a visitor), with the session's CSRF token kept for writes. */
export function useSession() {
  return useQuery({
    queryKey: ["session"],
    queryFn: async () => {
      try {
        const session = await call(api.GET("/api/v1/sessions/current"));
        setCsrfToken(session.csrf_token);
        return session.user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useRefreshSession() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ["session"] });
}

export function isAdmin(user: User | null | undefined): boolean {
  return user?.role === "admin";
}
