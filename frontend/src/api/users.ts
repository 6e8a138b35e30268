import { useQuery } from "@tanstack/react-query";
import { api, call } from "./client";
import { ApiError } from "./errors";

export const userKeys = {
  leaderboard: ["leaderboard"] as const,
  profile: (userId: string) => ["users", userId] as const,
};

/** The 25 pilots who contributed most. */
export function useLeaderboard() {
  return useQuery({
    queryKey: userKeys.leaderboard,
    queryFn: () => call(api.GET("/api/v1/leaderboard")),
    staleTime: 60_000,
  });
}

/** A pilot's public profile; `enabled` false for an address that cannot be one. */
export function useProfile(userId: string, enabled: boolean) {
  return useQuery({
    queryKey: userKeys.profile(userId),
    queryFn: () => call(api.GET("/api/v1/users/{user_id}", { params: { path: { user_id: userId } } })),
    enabled,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}
