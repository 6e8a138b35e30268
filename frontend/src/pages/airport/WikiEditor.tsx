import { useId, useState, type FocusEvent } from "react";
import { useEditAirport } from "../../api/airports";
import { errorText } from "../../api/errors";
import type { AirportDetail } from "../../api/types";
import { Html } from "../../components/Layout";
import { WIKI_FIELDS, formatDateTime, type WikiName } from "./shared";

/**
 * One Markdown field: the server's sanitised HTML, click (or "Edit …") to edit, save with the
 * version it started from; a 409 shows the other pilot's text to load or overwrite. Opened from
 * the "Add what you know" list it starts in the editor, and `onCancel` sends it back there.
 */
export function WikiEditor({
  airport,
  name,
  label,
  large = false,
  startEditing = false,
  onStart,
  onCancel,
}: {
  airport: AirportDetail;
  name: WikiName;
  label: string;
  large?: boolean;
  startEditing?: boolean;
  onStart?: () => void;
  onCancel?: () => void;
}) {
  const field = airport.wiki[name];
  const edit = useEditAirport(airport.code);
  const inputId = useId();
  const [editing, setEditing] = useState(startEditing);
  const [text, setText] = useState(startEditing ? (field.text ?? "") : "");
  const [base, setBase] = useState(startEditing ? field.version : "");
  const [saved, setSaved] = useState(false);
  const saving = edit.isPending;
  const conflict = edit.conflicts.find((item) => item.field === name) ?? null;
  const error = edit.isError && !conflict ? errorText(edit.error) : null;

  function start() {
    onStart?.();
    setText(field.text ?? "");
    setBase(field.version);
    setEditing(true);
    setSaved(false);
    edit.reset();
  }

  function save(from = base) {
    edit.mutate(
      { [name]: { text, base: from } },
      {
        onSuccess: () => {
          setEditing(false);
          setSaved(true);
        },
      },
    );
  }

  function onBlur(event: FocusEvent<HTMLDivElement>) {
    // Auto-save when the focus leaves the editor (not when it moves to its own buttons).
    if (event.currentTarget.contains(event.relatedTarget as Node | null)) return;
    if (saving || conflict || text === (field.text ?? "")) return;
    save();
  }

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
              <pre className="conflict-text">{conflict.theirs || "(empty)"}</pre>
              <div className="actions">
                <button
                  type="button"
                  onClick={() => {
                    setText(conflict.theirs);
                    setBase(conflict.version);
                    edit.reset();
                  }}
                >
                  Load their text
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setBase(conflict.version);
                    save(conflict.version);
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
            <button type="button" className="primary" disabled={saving} onClick={() => save()} aria-label={`Save ${label}`}>
              {saving ? "Saving…" : "Save"}
            </button>
            <button
              type="button"
              disabled={saving}
              onClick={() => {
                setEditing(false);
                edit.reset();
                onCancel?.();
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

function hasText(airport: AirportDetail, name: WikiName): boolean {
  return Boolean(airport.wiki[name].html || airport.wiki[name].text);
}

/**
 * The seven Markdown fields: the written ones as cards, the empty ones gathered into one short
 * "Add what you know" list. A field opened from the list becomes a card (in page order) and
 * stays one until the page is left, so that saving it does not move it under the pilot's eyes.
 */
export function WikiSections({ airport }: { airport: AirportDetail }) {
  const id = useId();
  const [opened, setOpened] = useState<WikiName[]>([]);
  const [starting, setStarting] = useState<WikiName | null>(null);
  const open = (name: WikiName) => setOpened((list) => (list.includes(name) ? list : [...list, name]));
  const cards = WIKI_FIELDS.filter((field) => hasText(airport, field.name) || opened.includes(field.name));
  const empty = WIKI_FIELDS.filter((field) => !cards.includes(field));
  const nothingWritten = cards.length === 0;
  return (
    <>
      {cards.map((field) => (
        <WikiEditor
          key={field.name}
          airport={airport}
          name={field.name}
          label={field.label}
          large={field.name === "description"}
          startEditing={field.name === starting}
          onStart={() => open(field.name)}
          onCancel={() => {
            setStarting(null);
            if (!hasText(airport, field.name)) setOpened((list) => list.filter((name) => name !== field.name));
          }}
        />
      ))}
      {empty.length > 0 && (
        <section className="card add-knowledge" id="add-what-you-know" aria-labelledby={`${id}-title`}>
          <h2 id={`${id}-title`}>Add what you know</h2>
          <p className="small muted">
            {nothingWritten
              ? "Nobody has written about this airport yet. Been there? Pick a topic and add what a visiting pilot should know."
              : "Nobody has written about these yet. Been there? Pick one and add it."}
          </p>
          <ul className="add-list">
            {empty.map((field) => (
              <li key={field.name}>
                <button
                  type="button"
                  aria-label={`Add ${field.label}`}
                  onClick={() => {
                    setStarting(field.name);
                    open(field.name);
                  }}
                >
                  <span aria-hidden="true" className="add-plus">
                    +
                  </span>
                  {field.label}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
