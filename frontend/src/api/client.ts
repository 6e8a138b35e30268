/**
 * The typed client of the API, generated from its OpenAPI schema (`schema.d.ts`). Only the domain
 * modules beside it use it: pages and components call their hooks.
 */
import createClient, { type Middleware } from "openapi-fetch";
import { ApiError } from "./errors";
import type { paths } from "./schema";

let csrfToken: string | null = null;

/** The CSRF token of the signed-in session, sent with every unsafe request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const TIMEOUT_MS = 30_000;

const middleware: Middleware = {
  onRequest({ request }) {
    if (csrfToken && UNSAFE.has(request.method)) request.headers.set("X-CSRF-Token", csrfToken);
    return request;
  },
};

export const api = createClient<paths>({
  baseUrl: "",
  credentials: "same-origin",
  fetch: (request) => fetch(request, { signal: AbortSignal.timeout(TIMEOUT_MS) }),
});
api.use(middleware);

/** Unwraps an openapi-fetch result: the data, or an ApiError. */
export async function call<T>(
  promise: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await promise;
  } catch (cause) {
    const detail =
      cause instanceof DOMException && cause.name === "TimeoutError"
        ? "The server did not answer in time. Try again."
        : "Pirep cannot be reached. Check your connection and try again.";
    throw new ApiError(0, { error: "NetworkError", detail });
  }
  if (!result.response.ok) {
    const body =
      result.error && typeof result.error === "object"
        ? (result.error as Record<string, unknown>)
        : {};
    throw new ApiError(result.response.status, body);
  }
  return result.data as T;
}
