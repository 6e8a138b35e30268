/** Pure helpers of the admin pages: formatting runs, changes and dates. */

export type RunStatus = "requested" | "running" | "succeeded" | "failed" | "aborted";

/** A run that may still change: the run page polls it. */
export function isActiveRun(status: RunStatus | undefined): boolean {
  return status === "requested" || status === "running";
}

export interface RunProgress {
  /** What the importer does now, e.g. "tiling the sectional layer". */
  step: string;
  /** 0–100 when the step counts its work, else null. */
  percent: number | null;
  /** One sentence: the step, the counts and the time left. */
  text: string;
}

function numberOf(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** "about 3 min left" from seconds. */
export function timeLeft(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return `about ${hours} h ${minutes} min left`;
}

/**
 * The live progress of a run from its `progress` record, which the importer writes as
 * `{step, done?, total?, seconds_left?, airports?}`.
 */
export function runProgress(progress: Record<string, unknown> | null | undefined): RunProgress {
  const step = typeof progress?.step === "string" && progress.step ? progress.step : "waiting to start";
  const done = numberOf(progress?.done);
  const total = numberOf(progress?.total);
  const airports = numberOf(progress?.airports);
  const secondsLeft = numberOf(progress?.seconds_left);
  const parts: string[] = [];
  let percent: number | null = null;
  if (done !== null && total !== null && total > 0) {
    percent = Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
    parts.push(`${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} (${percent}%)`);
  } else if (done !== null) {
    parts.push(`${done.toLocaleString("en-US")} done`);
  }
  if (airports !== null) parts.push(`${airports.toLocaleString("en-US")} airports`);
  if (secondsLeft !== null && percent !== 100) parts.push(timeLeft(secondsLeft));
  const sentence = step.charAt(0).toUpperCase() + step.slice(1);
  return { step, percent, text: parts.length ? `${sentence}: ${parts.join(", ")}` : sentence };
}

/** "staged_rows" → "Staged rows". */
export function humanize(key: string): string {
  const words = key.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface CountRow {
  label: string;
  value: string;
}

/** Nested counts flattened to labelled rows: {charts: {sectional: {tiles: 32}}} → "Sectional › Tiles: 32". */
export function flattenCounts(value: unknown, prefix: string[] = []): CountRow[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix.length) return [{ label: prefix.join(" › "), value: "none" }];
    return entries.flatMap(([key, inner]) => flattenCounts(inner, [...prefix, humanize(key)]));
  }
  return [{ label: prefix.join(" › ") || "Value", value: shortValue(value, 200) }];
}

/** A value of a change as short text: "(empty)" for nothing, JSON for structures, cut at `max`. */
export function shortValue(value: unknown, max = 60): string {
  let text: string;
  if (value === null || value === undefined || value === "") text = "(empty)";
  else if (typeof value === "string") text = value;
  else if (typeof value === "number") text = value.toLocaleString("en-US");
  else if (typeof value === "boolean") text = value ? "yes" : "no";
  else if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null))
    text = value.length ? value.join(", ") : "(empty)";
  else text = JSON.stringify(value);
  text = text.replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

/** A version's `object_changes` ({field: [old, new]}) as short lines. */
export function describeChanges(changes: Record<string, unknown>, max = 60): FieldChange[] {
  return Object.entries(changes).map(([field, pair]) => {
    const [from, to] = Array.isArray(pair) && pair.length === 2 ? pair : [null, pair];
    return { field: humanize(field), from: shortValue(from, max), to: shortValue(to, max) };
  });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The run named in the API's "Import <id> is running; wait…" refusal, if any. */
export function runIdIn(message: string): string | null {
  return message.match(UUID)?.[0] ?? null;
}

/** A date and time in the reader's zone, or "—". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}

/** How long a run took (or has taken so far), e.g. "2 min 5 s". */
export function duration(startIso: string | null, endIso: string | null, now = Date.now()): string {
  if (!startIso) return "—";
  const end = endIso ? new Date(endIso).getTime() : now;
  const seconds = Math.max(0, Math.round((end - new Date(startIso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The page count of a list, at least 1. */
export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, perPage)));
}
