import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useEditAirport } from "../../api/airports";
import { errorText } from "../../api/errors";
import { useMeta } from "../../api/meta";
import type { AirportDetail, Schemas } from "../../api/types";
import { Html } from "../../components/Layout";
import { LANDING_RIGHTS_COLOUR, landingRightsInfo, pickSome } from "./shared";

/**
 * How complete the page is and a few things nobody has written yet, as an invitation (the
 * original's "Missing: …" line, as a short list so that the API's longer items read well).
 */
export function Completion({ airport }: { airport: AirportDetail }) {
  const id = useId();
  const featured = airport.completion.percent >= 100 || airport.tags.includes("featured");
  if (featured) return null;
  const missing = pickSome(airport.completion.missing, 3, airport.code);
  return (
    <section className="card completion" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Help complete this page</h2>
      <p className="small">This page is {airport.completion.percent}% complete.</p>
      <div
        className="progress"
        role="progressbar"
        aria-label="Page completion"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={airport.completion.percent}
      >
        <div style={{ width: `${airport.completion.percent}%` }} />
      </div>
      {missing.length > 0 && (
        <>
          <p className="small">Nobody has added these yet. Know any of them?</p>
          <ul className="small missing-list">
            {missing.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Landing rights, with their edit form (not for military airports). */
export function Access({ airport, editable = true }: { airport: AirportDetail; editable?: boolean }) {
  const meta = useMeta();
  const id = useId();
  const info = landingRightsInfo(meta.data, airport.landing_rights);
  const [editing, setEditing] = useState(false);
  const [rights, setRights] = useState<Schemas["LandingRights"]>(airport.landing_rights);
  const [requirements, setRequirements] = useState("");
  const edit = useEditAirport(airport.code);
  const canEdit = editable && airport.facility_type !== "military";

  function start() {
    setRights(airport.landing_rights);
    setRequirements(airport.landing_requirements ?? "");
    setEditing(true);
  }

  function save(event: FormEvent) {
    event.preventDefault();
    const body: Schemas["AirportEdit"] = {};
    if (rights !== airport.landing_rights) {
      body.landing_rights = { value: rights, base: airport.field_versions.landing_rights ?? "" };
    }
    const text = rights === "restricted" ? requirements : "";
    if (text.trim() !== (airport.landing_requirements ?? "").trim()) {
      body.landing_requirements = { text, base: airport.field_versions.landing_requirements ?? "" };
    }
    if (Object.keys(body).length === 0) {
      setEditing(false);
      return;
    }
    edit.mutate(body, { onSuccess: () => setEditing(false) });
  }

  return (
    <section className="card" id="access" aria-labelledby={`${id}-title`}>
      <div className="row">
        <h2 id={`${id}-title`}>Access</h2>
        <span className="spacer" />
        {canEdit && !editing && (
          <button type="button" className="small" onClick={start} aria-label="Edit landing rights">
            Edit
          </button>
        )}
      </div>
      <p className="landing-rights" style={{ borderColor: LANDING_RIGHTS_COLOUR[airport.landing_rights] }}>
        <strong>{info?.label ?? airport.landing_rights}</strong>: {info?.description ?? ""}
      </p>
      {!airport.authoritative && airport.landing_rights === "public" && (
        <p className="notice small" role="note">
          This airport's data does not come from the FAA: “open to the public” may be wrong. Check
          before you land.
        </p>
      )}
      {airport.landing_rights === "restricted" && airport.landing_requirements_html && (
        <div>
          <h3>Requirements/contact info for landing</h3>
          <Html html={airport.landing_requirements_html} />
        </div>
      )}
      {editing && (
        <form onSubmit={save}>
          <fieldset>
            <legend>Landing rights</legend>
            {(meta.data?.landing_rights ?? []).map((option) => (
              <label key={option.name} className="inline radio">
                <input
                  type="radio"
                  name={`${id}-rights`}
                  value={option.name}
                  checked={rights === option.name}
                  onChange={() => setRights(option.name as Schemas["LandingRights"])}
                />
                {option.description}
              </label>
            ))}
          </fieldset>
          {rights === "restricted" && (
            <>
              <label htmlFor={`${id}-requirements`}>Requirements/contact info for landing</label>
              <textarea id={`${id}-requirements`} value={requirements} onChange={(e) => setRequirements(e.target.value)} />
            </>
          )}
          {edit.isError && (
            <p className="error" role="alert">
              {errorText(edit.error)}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={edit.isPending}>
              Save landing rights
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function Similar({ airport }: { airport: AirportDetail }) {
  const picks = pickSome(airport.similar, 3, airport.code);
  if (picks.length === 0) return null;
  return (
    <section className="card" aria-labelledby="similar-title">
      <h2 id="similar-title">Similar Airports</h2>
      <ul className="similar">
        {picks.map((similar) => (
          <li key={similar.code}>
            <Link to={`/airports/${similar.code}`}>
              <strong>{similar.code}</strong> {similar.name}
            </Link>
            <div className="small muted">
              {Math.round(similar.distance_nm)} NM away · {similar.shared_tags} shared tag{similar.shared_tags === 1 ? "" : "s"}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Diagram({ airport }: { airport: AirportDetail }) {
  if (!airport.diagram) return null;
  return (
    <section className="card" aria-labelledby="diagram-title">
      <h2 id="diagram-title">Airport Diagram</h2>
      <a href={airport.diagram.pdf} target="_blank" rel="noreferrer">
        <img
          className="diagram"
          src={airport.diagram.png}
          srcSet={`${airport.diagram.png} 1x, ${airport.diagram.png_2x} 2x`}
          alt={`FAA airport diagram of ${airport.code}`}
          loading="lazy"
        />
      </a>
      <p className="small">
        <a href={airport.diagram.pdf} target="_blank" rel="noreferrer">
          Open the diagram as a PDF
        </a>
      </p>
    </section>
  );
}

export function Remarks({ airport }: { airport: AirportDetail }) {
  const [all, setAll] = useState(false);
  if (airport.remarks.length === 0) return null;
  const limit = airport.diagram ? 5 : 8;
  const shown = all ? airport.remarks : airport.remarks.slice(0, limit);
  return (
    <section className="card" aria-labelledby="remarks-title">
      <h2 id="remarks-title">FAA Remarks</h2>
      <ul className="remarks">
        {shown.map((remark, index) => (
          <li key={`${remark.element}-${index}`}>{remark.text}</li>
        ))}
      </ul>
      {airport.remarks.length > limit && (
        <button type="button" className="link" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? "Show less" : `Show more (${airport.remarks.length - limit})`}
        </button>
      )}
    </section>
  );
}
