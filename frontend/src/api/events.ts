import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { airportChanged, airportKeys } from "./airports";
import { api, call } from "./client";
import type { Schemas } from "./types";
import { useWrite, type Write } from "./write";

/** The airport's upcoming events with their next dates. */
export function useEvents(code: string) {
  return useQuery({
    queryKey: airportKeys.events(code),
    queryFn: () => call(api.GET("/api/v1/airports/{code}/events", { params: { path: { code } } })),
    staleTime: 60_000,
  });
}

/** Events are listed apart, and change the airport's page and history too. */
function eventsChanged(client: QueryClient, code: string) {
  return Promise.all([
    client.invalidateQueries({ queryKey: airportKeys.events(code) }),
    airportChanged(client, code),
  ]);
}

export function saveEventMutation(client: QueryClient, write: Write, code: string) {
  return {
    /** A new event, or with `id` a change of that one (from its next occurrence). */
    mutationFn: ({ id, body }: { id?: string; body: Schemas["EventIn"] }) =>
      write(() =>
        call(
          id
            ? api.PUT("/api/v1/airports/{code}/events/{event_id}", { params: { path: { code, event_id: id } }, body })
            : api.POST("/api/v1/airports/{code}/events", { params: { path: { code } }, body }),
        ),
      ),
    onSuccess: () => eventsChanged(client, code),
  };
}

export function useSaveEvent(code: string) {
  return useMutation(saveEventMutation(useQueryClient(), useWrite(), code));
}

export function useDeleteEvent(code: string) {
  const client = useQueryClient();
  const write = useWrite();
  return useMutation({
    mutationFn: (eventId: string) =>
      write(() =>
        call(api.DELETE("/api/v1/airports/{code}/events/{event_id}", { params: { path: { code, event_id: eventId } } })),
      ),
    onSuccess: () => eventsChanged(client, code),
  });
}
