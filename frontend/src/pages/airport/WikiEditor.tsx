import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FocusEvent } from "react";
import { ApiError, api, call, errorText } from "../../api/client";
import type { AirportDetail, Schemas } from "../../api/queries";
import { Html } from "../../components/Layout";
import { useWrite } from "../../components/verification";
import { formatDateTime, type WikiName } from "./shared";

type Conflict = Schemas["ConflictingField"];

function conflictOf(error: unknown, field: string): Conflict | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const conflicts = error.body.conflicts;
  if (!Array.isArray(conflicts)) return null;
  const found = conflicts.find(
    (item): item is Conflict => typeof item === "object" && item !== null && (item as Conflict).field === field,
  );
  return found ?? null;
}

/**
 * One Markdown field: the server's sanitised HTML, click (or "Edit …") to edit, save with the
 * version it started from; a 409 shows the other pilot's text to load or overwrite.
 */
export function WikiEditor({
  airport,
  name,
  label,
  large = false,
}: {
  airport: AirportDetail;
  name: WikiName;
  label: string;
  large?: boolean;
}) {
  const field = airport.wiki[name];
  const write = useWrite();
  const client = useQueryClient();
  const inputId = useId();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState("");
  const [base, setBase] = useState("");
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);

  function start() {
    setText(field.text ?? "");
    setBase(field.version);
    setEditing(true);
    setSaved(false);
    setError(null);
    setConflict(null);
  }

  async function save(from = base) {
    setSaving(true);
    setError(null);
    try {
      await write(() =>
        call(
          api.PATCH("/api/v1/airports/{code}", {
            params: { path: { code: airport.code } },
            body: { [name]: { text, base: from } },
          }),
        ),
      );
      setEditing(false);
      setConflict(null);
      setSaved(true);
      await client.invalidateQueries({ queryKey: ["airport"] });
    } catch (problem) {
      const found = conflictOf(problem, name);
      if (found) setConflict(found);
      else setError(errorText(problem));
    } finally {
      setSaving(false);
    }
  }

  function onBlur(event: FocusEvent<HTMLDivElement>) {
    // Auto-save when the focus leaves the editor (not when it moves to its own buttons).
    if (event.currentTarget.contains(event.relatedTarget as Node | null)) return;
    if (saving || conflict || text === (field.text ?? "")) return;
    void save();
  }

  const theirs = conflict && typeof conflict.current === "string" ? conflict.current : "";

  return (
    <section className={`card wiki ${large ? "wiki-large" : ""}`} id={name}>
      <div className="row">
        <h2>{label}</h2>
        <span className="spacer" />
        {!editing && (
          <button type="button" className="small" onClick={start} aria-label={`Edit ${label}`}>
            Edit
          </button>
        )}
      </div>
      {editing ? (
        <div onBlur={onBlur}>
          <label htmlFor={inputId} className="visually-hidden">
            {label}
          </label>
          <textarea
            id={inputId}
            value={text}
            rows={large ? 10 : 5}
            onChange={(event) => setText(event.target.value)}
            placeholder="Markdown is supported: **bold**, *italic*, [links](https://…), lists with -."
            autoFocus
          />
          {conflict && (
            <div className="notice danger" role="alert">
              <p>
                Someone else changed {label}
                {conflict.changed_by ? ` (${conflict.changed_by}` : ""}
                {conflict.changed_at ? `${conflict.changed_by ? ", " : " ("}${formatDateTime(conflict.changed_at)}` : ""}
                {conflict.changed_by || conflict.changed_at ? ")" : ""} since you started editing. Your
                text was not saved. Their text is now:
              </p>
              <pre className="conflict-text">{theirs || "(empty)"}</pre>
              <div className="actions">
                <button
                  type="button"
                  onClick={() => {
                    setText(theirs);
                    setBase(conflict.version);
                    setConflict(null);
                  }}
                >
                  Load their text
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setBase(conflict.version);
                    void save(conflict.version);
                  }}
                >
                  Overwrite with mine
                </button>
              </div>
            </div>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={saving} onClick={() => void save()} aria-label={`Save ${label}`}>
              {saving ? "Saving…" : "Save"}
            </button>
            <button
              type="button"
              disabled={saving}
              onClick={() => {
                setEditing(false);
                setConflict(null);
                setError(null);
              }}
              aria-label={`Cancel editing ${label}`}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : field.html ? (
        <div className="wiki-content" onClick={(event) => (event.target as HTMLElement).closest("a") || start()}>
          <Html html={field.html} />
        </div>
      ) : (
        <p className="muted wiki-content" onClick={start}>
          Nothing here yet. Know something about the {label.toLowerCase()}? Add it.
        </p>
      )}
      <p className="small muted wiki-footer">
        {saved && !editing && (
          <span className="success" role="status">
            Saved!{" "}
          </span>
        )}
        {field.updated_at && <>Last updated {formatDateTime(field.updated_at)}</>}
      </p>
    </section>
  );
}
