import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { adminKeys } from "./admin";
import { airportKeys } from "./airports";
import { api, call } from "./client";
import { useWrite, type Write } from "./write";

export const COMMENTS_PER_PAGE = 20;

/** A page of the airport's comments, newest first. */
export function useComments(code: string, page: number) {
  return useQuery({
    queryKey: airportKeys.commentPage(code, page),
    queryFn: () =>
      call(
        api.GET("/api/v1/airports/{code}/comments", {
          params: { path: { code }, query: { page, per_page: COMMENTS_PER_PAGE } },
        }),
      ),
  });
}

/** A comment added or removed also changes the airport (its tags and completion). */
function commentsAndAirport(client: QueryClient, code: string) {
  return Promise.all([
    client.invalidateQueries({ queryKey: airportKeys.comments(code) }),
    client.invalidateQueries({ queryKey: airportKeys.detail(code), exact: true }),
  ]);
}

export function addCommentMutation(client: QueryClient, write: Write, code: string) {
  return {
    mutationFn: (body: string) =>
      write(() => call(api.POST("/api/v1/airports/{code}/comments", { params: { path: { code } }, body: { body } }))),
    onSuccess: () => commentsAndAirport(client, code),
  };
}

export function useAddComment(code: string) {
  return useMutation(addCommentMutation(useQueryClient(), useWrite(), code));
}

type Mark = "helpful" | "outdated" | "not-outdated";

/** A pilot's mark on a comment of the airport: helpful, outdated, or no longer outdated. */
export function useMarkComment(code: string, mark: Mark) {
  const client = useQueryClient();
  const write = useWrite();
  return useMutation({
    mutationFn: (commentId: string) => {
      const path = { params: { path: { comment_id: commentId } } };
      return write(() =>
        call(
          mark === "helpful"
            ? api.PUT("/api/v1/comments/{comment_id}/helpful", path)
            : mark === "outdated"
              ? api.PUT("/api/v1/comments/{comment_id}/outdated", path)
              : api.DELETE("/api/v1/comments/{comment_id}/outdated", path),
        ),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: airportKeys.comments(code) }),
  });
}

/** An administrator deletes a comment of the airport (from its page or the review queue). */
export function useDeleteComment(code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (commentId: string) =>
      call(api.DELETE("/api/v1/admin/comments/{comment_id}", { params: { path: { comment_id: commentId } } })),
    onSuccess: () =>
      Promise.all([commentsAndAirport(client, code), client.invalidateQueries({ queryKey: adminKeys.all })]),
  });
}
