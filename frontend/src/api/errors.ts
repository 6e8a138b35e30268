/** An answer of the API other than 2xx, with its `{"error", "detail"}` body. */
export class ApiError extends Error {
  readonly status: number;
  readonly error: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const detail = typeof body.detail === "string" ? body.detail : `The server answered ${status}.`;
    super(detail);
    this.status = status;
    this.error = typeof body.error === "string" ? body.error : "Error";
    this.body = body;
  }
}

/** A sentence for any error, for showing to the user. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/** Whether asking again cannot help: the client's own mistake (404, 403…). */
export function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}
