import { useId, useState } from "react";
import { useMeta } from "../../api/meta";
import { anyPending, latestProblem } from "../../api/status";
import { useAddTag, useRemoveTag } from "../../api/tags";
import type { AirportDetail } from "../../api/types";
import { TagChip, tagMeta } from "./shared";

function scrollTo(target: string) {
  document.getElementById(target)?.scrollIntoView({ behavior: "smooth", block: "start" });
}

/** The airport's tags; "Edit tags" adds addable tags and removes them. */
export function Tags({ airport, editable = true }: { airport: AirportDetail; editable?: boolean }) {
  const meta = useMeta();
  const [editing, setEditing] = useState(false);
  const addition = useAddTag(airport.code);
  const removal = useRemoveTag(airport.code);
  const busy = anyPending(addition, removal);
  const error = latestProblem(addition, removal);
  const pickerId = useId();
  const addable = (meta.data?.tags ?? []).filter((tag) => tag.addable);
  const missing = addable.filter((tag) => !airport.tags.includes(tag.name));

  function add(name: string) {
    if (name) addition.mutate(name);
  }

  return (
    <section className="card tags" aria-labelledby={`${pickerId}-title`}>
      <div className="row">
        <h2 id={`${pickerId}-title`}>Tags</h2>
        <span className="spacer" />
        {editable && (
          <button type="button" className="small" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {editing ? "Done" : "Edit tags"}
          </button>
        )}
      </div>
      <ul className="tag-list">
        {airport.tags.length === 0 && <li className="muted">No tags yet.</li>}
        {airport.tags.map((name) => {
          const tag = tagMeta(meta.data, name);
          const target = tag?.scroll_target;
          return (
            <li key={name}>
              <TagChip meta={meta.data} name={name} onPick={target ? () => scrollTo(target) : undefined} />
              {editing && tag?.addable && (
                <button
                  type="button"
                  className="link remove-tag"
                  disabled={busy}
                  aria-label={`Remove tag ${tag.label}`}
                  onClick={() => removal.mutate(name)}
                >
                  ×
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {editing && (
        <div>
          <label htmlFor={pickerId}>Add a tag</label>
          <select id={pickerId} value="" disabled={busy || missing.length === 0} onChange={(event) => add(event.target.value)}>
            <option value="">{missing.length ? "Choose a tag…" : "Every tag is already added"}</option>
            {missing.map((tag) => (
              <option key={tag.name} value={tag.name}>
                {tag.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
