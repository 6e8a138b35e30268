import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { airportChanged, airportKeys } from "./airports";
import { api, call } from "./client";
import { useWrite, type Write } from "./write";

export function tagMutation(client: QueryClient, write: Write, code: string, action: "add" | "remove") {
  return {
    mutationFn: (name: string) => {
      const path = { params: { path: { code, name } } };
      return write(() =>
        call(
          action === "add"
            ? api.PUT("/api/v1/airports/{code}/tags/{name}", path)
            : api.DELETE("/api/v1/airports/{code}/tags/{name}", path),
        ),
      );
    },
    // The advanced search filters by tags.
    onSuccess: () =>
      Promise.all([airportChanged(client, code), client.invalidateQueries({ queryKey: airportKeys.lists })]),
  };
}

export function useAddTag(code: string) {
  return useMutation(tagMutation(useQueryClient(), useWrite(), code, "add"));
}

export function useRemoveTag(code: string) {
  return useMutation(tagMutation(useQueryClient(), useWrite(), code, "remove"));
}
