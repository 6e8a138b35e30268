import { createContext, useContext } from "react";
import { ApiError } from "./errors";

/** Runs a write; when the API asks for the one-time check, shows it and runs the write again. */
export type Write = <T>(action: () => Promise<T>) => Promise<T>;

/** Given by VerificationProvider (components/verification.tsx), which shows the check. */
export const WriteContext = createContext<Write | null>(null);

/** The writes of pilots, who may have no account: see `Write`. */
export function useWrite(): Write {
  const write = useContext(WriteContext);
  if (!write) throw new Error("useWrite needs a VerificationProvider");
  return write;
}

/** Whether the API refused a write until the writer passes the check. */
export function needsVerification(error: unknown): boolean {
  return error instanceof ApiError && error.error === "VerificationRequired";
}
