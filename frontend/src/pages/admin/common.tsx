import type { UseMutationResult } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router";
import { errorText } from "../../api/errors";
import type { Schemas } from "../../api/types";
import { pageCount } from "./format";

export type Person = Schemas["Person"];

/** Page, search and "show all" of a list, kept in the address so Back and reload keep them. */
export function useListParams(defaults: { unreviewed: boolean } = { unreviewed: true }) {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const q = params.get("q") ?? "";
  const all = params.has("all") ? params.get("all") === "1" : !defaults.unreviewed;
  const extra = (name: string) => params.get(name) ?? "";

  function update(changes: Record<string, string | null>) {
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [name, value] of Object.entries(changes)) {
        if (value === null || value === "") next.delete(name);
        else next.set(name, value);
      }
      if (!("page" in changes)) next.delete("page");
      return next;
    });
  }

  return {
    page,
    q,
    all,
    extra,
    setPage: (value: number) => update({ page: value > 1 ? String(value) : null }),
    setQ: (value: string) => update({ q: value.trim() || null }),
    setAll: (value: boolean) => update({ all: value ? "1" : "0" }),
    setExtra: (name: string, value: string) => update({ [name]: value || null }),
  };
}

/** A search box (submitted with Enter or the button) and the "show all" switch of a queue. */
export function ListControls({
  label,
  q,
  onSearch,
  all,
  onAll,
  allLabel = "Show reviewed items too",
  children,
}: {
  label: string;
  q: string;
  onSearch: (q: string) => void;
  all?: boolean;
  onAll?: (all: boolean) => void;
  allLabel?: string;
  children?: ReactNode;
}) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get("q");
    onSearch(typeof value === "string" ? value : "");
  }
  return (
    <div className="admin-controls">
      <form role="search" className="row" onSubmit={submit}>
        <input key={q} type="search" name="q" aria-label={label} placeholder={label} defaultValue={q} maxLength={100} />
        <button type="submit">Search</button>
        {q && (
          <button type="button" className="link" onClick={() => onSearch("")}>
            Clear search
          </button>
        )}
      </form>
      {onAll && (
        <label className="inline">
          <input type="checkbox" checked={all ?? false} onChange={(event) => onAll(event.target.checked)} />
          {allLabel}
        </label>
      )}
      {children}
    </div>
  );
}

/** Previous / next with the position, under a list. */
export function Pager({
  page,
  perPage,
  total,
  onPage,
  label = "Pages",
}: {
  page: number;
  perPage: number;
  total: number;
  onPage: (page: number) => void;
  label?: string;
}) {
  const pages = pageCount(total, perPage);
  return (
    <nav className="admin-pager row" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span className="muted small">
        Page {Math.min(page, pages)} of {pages} · {total.toLocaleString("en-US")} {total === 1 ? "item" : "items"}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}

/** A table that scrolls sideways on a narrow screen instead of overflowing the page. */
export function Table({ caption, children }: { caption?: string; children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption ?? "Table"}>
      <table className="table admin-table">
        {caption && <caption className="visually-hidden">{caption}</caption>}
        {children}
      </table>
    </div>
  );
}

/**
 * A button that runs one write (a mutation of api/, which refreshes what it changes) and shows
 * the error next to it. With `confirm`, a second click on "Yes, …" is asked for.
 */
export function ActionButton<Variables>({
  label,
  mutation,
  variables,
  confirm,
  className,
  accessibleName,
  onDone,
}: {
  label: string;
  mutation: Pick<UseMutationResult<unknown, Error, Variables>, "mutate" | "isPending" | "isError" | "error">;
  variables: Variables;
  confirm?: string;
  className?: string;
  accessibleName?: string;
  onDone?: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const run = () =>
    mutation.mutate(variables, {
      onSuccess: () => {
        setAsking(false);
        onDone?.();
      },
    });
  return (
    <span className="admin-action">
      {asking ? (
        <span className="admin-confirm" role="group" aria-label={confirm}>
          <span className="small">{confirm}</span>
          <button type="button" className="danger" disabled={mutation.isPending} onClick={run}>
            Yes, {label.toLowerCase()}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button
          type="button"
          className={className}
          aria-label={accessibleName}
          disabled={mutation.isPending}
          onClick={() => (confirm ? setAsking(true) : run())}
        >
          {mutation.isPending ? `${label}…` : label}
        </button>
      )}
      {mutation.isError && (
        <span className="error small" role="alert">
          {errorText(mutation.error)}
        </span>
      )}
    </span>
  );
}

/** Who did something: a link to the user's admin page, with the IP for writers without an account. */
export function PersonLink({ person }: { person: Person | null | undefined }) {
  if (!person) return <span className="muted">nobody</span>;
  const name = person.display_name ?? (person.role === "unknown" ? `Unknown (${person.ip_address ?? "no IP"})` : "Unnamed");
  return (
    <Link to={`/admin/users/${person.id}`}>
      {name}
      {person.role === "admin" && <span className="muted small"> (admin)</span>}
    </Link>
  );
}

export function YesNo({ at, yes = "Yes", no = "No" }: { at: string | null | undefined | boolean; yes?: string; no?: string }) {
  return <>{at ? yes : no}</>;
}

/** A list's empty state. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted admin-empty">{children}</p>;
}
