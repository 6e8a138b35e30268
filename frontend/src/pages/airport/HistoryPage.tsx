import { Link, useParams, useSearchParams } from "react-router";
import { useAirport } from "../../api/airports";
import { HISTORY_PER_PAGE, useHistory } from "../../api/history";
import { useMeta } from "../../api/meta";
import type { Meta, Schemas } from "../../api/types";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { displayValue, sideBySide } from "../../lib/diff";
import { DiffTable } from "./DiffTable";
import { FIELD_LABELS, formatDateTime, tagMeta } from "./shared";
import "./airport.css";

type Entry = Schemas["HistoryEntry"];

function pair(value: unknown): [unknown, unknown] {
  return Array.isArray(value) && value.length === 2 ? [value[0], value[1]] : [null, value];
}

function label(field: string): string {
  return FIELD_LABELS[field] ?? field.replaceAll("_", " ").replace(/^./, (first) => first.toUpperCase());
}

/** One sentence for a version: what was done to what. */
export function describe(entry: Entry, meta: Meta | undefined): string {
  const fields = Object.keys(entry.changes);
  const [before, after] = pair(entry.changes.name);
  const name = String(after ?? before ?? "");
  switch (entry.item_type) {
    case "tag": {
      const tag = tagMeta(meta, name)?.label ?? name;
      return entry.event === "destroy" ? `Removed the tag ${tag}` : `Added the tag ${tag}`;
    }
    case "webcam":
      return entry.event === "destroy" ? "Removed a webcam" : entry.event === "create" ? "Added a webcam" : "Changed a webcam";
    case "event":
      if (entry.event === "create") return `Added the event ${name}`;
      if (entry.event === "destroy") return `Removed the event ${name}`;
      return `Edited the event ${name || ""}`.trim();
    case "airport":
      if (entry.event === "create") return "Added the airport";
      if (entry.event === "destroy") return "Removed the airport";
      return fields.length ? `Edited ${fields.map(label).join(", ")}` : "Edited the airport";
  }
}

function HistoryItem({ entry, code, meta }: { entry: Entry; code: string; meta: Meta | undefined }) {
  const who = entry.author?.name ?? "Pirep";
  return (
    <li className="card history-entry">
      <h2>{describe(entry, meta)}</h2>
      <p className="small muted">
        {entry.author?.id ? <Link to={`/users/${entry.author.id}`}>{who}</Link> : who} ·{" "}
        <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>
        {entry.reverted_at && <> · reverted {formatDateTime(entry.reverted_at)}</>}
        {entry.item_type === "airport" && (
          <>
            {" "}
            · <Link to={`/airports/${code}/versions/${entry.id}`}>View the page after this change</Link>
          </>
        )}
      </p>
      {entry.item_type !== "tag" &&
        Object.entries(entry.changes).map(([field, value]) => {
          const [before, after] = pair(value);
          return (
            <div key={field}>
              <h3 className="small">{label(field)}</h3>
              <DiffTable rows={sideBySide(displayValue(before), displayValue(after))} caption={`Changes to ${label(field)}`} />
            </div>
          );
        })}
    </li>
  );
}

/** Every change of the airport, its tags, events and webcams, newest first, with diffs. */
export default function HistoryPage() {
  const { code = "" } = useParams();
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number(search.get("page")) || 1);
  const airport = useAirport(code);
  const meta = useMeta();
  const history = useHistory(code, page);
  const shownCode = airport.data?.code ?? code.toUpperCase();
  usePageTitle(airport.data ? `History of ${airport.data.code} - ${airport.data.name}` : undefined);
  const pages = history.data ? Math.max(1, Math.ceil(history.data.total / HISTORY_PER_PAGE)) : 1;

  return (
    <div className="history-page">
      <p>
        <Link to={`/airports/${shownCode}`}>← Back to {shownCode}</Link>
      </p>
      <h1>History of {airport.data ? `${airport.data.code} - ${airport.data.name}` : shownCode}</h1>
      {history.isPending && <Loading what="Loading the history…" />}
      {history.isError && <ErrorMessage error={history.error} />}
      {history.isSuccess && history.data.items.length === 0 && <p className="muted">Nobody has changed this airport yet.</p>}
      {history.isSuccess && (
        <ol className="history-list" style={{ listStyle: "none", padding: 0 }}>
          {history.data.items.map((entry) => (
            <HistoryItem key={entry.id} entry={entry} code={shownCode} meta={meta.data} />
          ))}
        </ol>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label="History pages">
          <button type="button" disabled={page <= 1} onClick={() => setSearch({ page: String(page - 1) })}>
            Newer changes
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => setSearch({ page: String(page + 1) })}>
            Older changes
          </button>
        </nav>
      )}
    </div>
  );
}
