import { errorText } from "./errors";

/** What a form needs to know of a mutation (a `useMutation` result). */
export interface Attempt {
  isPending: boolean;
  error: unknown;
  submittedAt: number;
}

/** Whether any of a component's writes is under way. */
export function anyPending(...attempts: Attempt[]): boolean {
  return attempts.some((attempt) => attempt.isPending);
}

/**
 * What went wrong with the latest of a component's writes, in words, or null: an earlier failure
 * is no longer shown once another write is tried.
 */
export function latestProblem(...attempts: Attempt[]): string | null {
  const latest = attempts.reduce<Attempt | null>(
    (found, attempt) => (!found || attempt.submittedAt > found.submittedAt ? attempt : found),
    null,
  );
  return latest?.error ? errorText(latest.error) : null;
}
