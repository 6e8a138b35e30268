import { queryOptions, useMutation, useQueries, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, call } from "./client";
import { ApiError } from "./errors";
import { metaKeys } from "./meta";
import type { AirportDetail, Schemas } from "./types";
import { useWrite, type Write } from "./write";

const upper = (code: string) => code.toUpperCase();

/**
 * The keys of everything about airports. An airport's detail is `['airport', CODE]`, and what
 * belongs to its page hangs under it (comments, events, history, versions), so that
 * `['airport', CODE]` without `exact` is everything about that airport; lists of many airports
 * are under `['airports']`.
 */
export const airportKeys = {
  all: ["airport"] as const,
  detail: (code: string) => ["airport", upper(code)] as const,
  comments: (code: string) => ["airport", upper(code), "comments"] as const,
  commentPage: (code: string, page: number) => ["airport", upper(code), "comments", page] as const,
  events: (code: string) => ["airport", upper(code), "events"] as const,
  history: (code: string) => ["airport", upper(code), "history"] as const,
  historyPage: (code: string, page: number) => ["airport", upper(code), "history", page] as const,
  version: (code: string, versionId: string) => ["airport", upper(code), "versions", versionId] as const,
  lists: ["airports", "list"] as const,
  list: (params: string) => ["airports", "list", params] as const,
  count: (query: string, version: string | null) => ["airports", "count", query, version] as const,
};

export function airportQuery(code: string) {
  return queryOptions({
    queryKey: airportKeys.detail(code),
    queryFn: () => call(api.GET("/api/v1/airports/{code}", { params: { path: { code } } })),
    staleTime: 30_000,
  });
}

export function useAirport(code: string, options: { enabled?: boolean; staleTime?: number } = {}) {
  return useQuery({ ...airportQuery(code), ...options });
}

/** An airport with the markers pilots placed on its map. */
export interface Annotated {
  code: string;
  annotations: Schemas["Annotation"][];
}

/** The annotated airports among the loaded ones (a stable function: TanStack keeps the result). */
function annotationsOf(results: { data?: AirportDetail }[]): Annotated[] {
  return results.flatMap(({ data }) =>
    data && data.annotations.length > 0 ? [{ code: data.code, annotations: data.annotations }] : [],
  );
}

/** The annotations of the airports with these codes (each detail cached for five minutes). */
export function useAnnotations(codes: string[]): Annotated[] {
  return useQueries({
    queries: codes.map((code) => ({ ...airportQuery(code), staleTime: 5 * 60_000 })),
    combine: annotationsOf,
  });
}

/** What a change of the airport's page makes stale: its detail and its history. */
export function airportChanged(client: QueryClient, code: string): Promise<unknown> {
  return Promise.all([
    client.invalidateQueries({ queryKey: airportKeys.detail(code), exact: true }),
    client.invalidateQueries({ queryKey: airportKeys.history(code) }),
  ]);
}

export type AirportEdit = Schemas["AirportEdit"];

type Conflict = Schemas["ConflictingField"];

/** A field someone else changed since the edit started, with their text (empty when none). */
export interface EditConflict extends Conflict {
  theirs: string;
}

/** The fields of a refused edit (409) that someone else changed first; none for any other error. */
export function conflictsOf(error: unknown): EditConflict[] {
  if (!(error instanceof ApiError) || error.status !== 409 || !Array.isArray(error.body.conflicts)) return [];
  return error.body.conflicts
    .filter((item): item is Conflict => typeof item === "object" && item !== null && "field" in item)
    .map((item) => ({ ...item, theirs: typeof item.current === "string" ? item.current : "" }));
}

export function editAirportMutation(client: QueryClient, write: Write, code: string) {
  return {
    mutationFn: (body: AirportEdit) =>
      write(() => call(api.PATCH("/api/v1/airports/{code}", { params: { path: { code } }, body }))),
    onSuccess: () => airportChanged(client, code),
  };
}

/**
 * Edits the airport's page from the versions of its fields (`base`). When someone else changed a
 * field first, the API refuses (409) and `conflicts` gives their text and version: load it, or
 * send again from that version to overwrite it.
 */
export function useEditAirport(code: string) {
  const mutation = useMutation(editAirportMutation(useQueryClient(), useWrite(), code));
  return { ...mutation, conflicts: conflictsOf(mutation.error) };
}

export type NewAirport = Schemas["NewAirport"];

export function createAirportMutation(client: QueryClient, write: Write) {
  return {
    mutationFn: (body: NewAirport) => write(() => call(api.POST("/api/v1/airports", { body }))),
    // The server rebuilds the map's GeoJSON and the new meta names its new version, which the
    // meta answers once the rebuild is done: the new airport opens without waiting for it.
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: metaKeys.meta });
      void client.invalidateQueries({ queryKey: airportKeys.lists });
    },
  };
}

/** Adds an airport missing from the official data. */
export function useCreateAirport() {
  return useMutation(createAirportMutation(useQueryClient(), useWrite()));
}

/** Counts one visit of the airport's page (the server ignores crawlers and repeats within half an hour). */
export function useRecordView(code: string | undefined) {
  useEffect(() => {
    if (!code) return;
    api.POST("/api/v1/airports/{code}/views", { params: { path: { code } } }).catch(() => undefined);
  }, [code]);
}
