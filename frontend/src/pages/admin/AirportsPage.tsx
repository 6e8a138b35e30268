import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  useAdminAirport,
  useAdminAirports,
  useAirportMedia,
  useApprove,
  useDeleteAirport,
  useUpdateAirport,
} from "../../api/admin";
import { errorText } from "../../api/errors";
import { useDeletePhoto } from "../../api/photos";
import type { Schemas } from "../../api/types";
import { useDeleteWebcam } from "../../api/webcams";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { PageviewTable } from "./analytics";
import { ActionButton, Empty, ListControls, Pager, Table, useListParams } from "./common";
import { dateTime } from "./format";
import { Fact } from "./UsersPage";

const PER_PAGE = 10;
type AdminAirport = Schemas["AdminAirportOut"];
type Source = Schemas["DataSource"];
type FacilityType = Schemas["FacilityType"];
type FacilityUse = Schemas["FacilityUse"];
type Ownership = Schemas["OwnershipType"];

const SOURCES: Record<Source, string> = {
  faa: "FAA",
  our_airports: "OurAirports",
  user_contributed: "Added by a user",
};
const FACILITY_TYPES: Record<FacilityType, string> = {
  airport: "Airport",
  heliport: "Heliport",
  seaplane_base: "Seaplane base",
  military: "Military",
  balloonport: "Balloonport",
  gliderport: "Gliderport",
  ultralight: "Ultralight",
};
const USES: Record<FacilityUse, string> = { PU: "Public use", PR: "Private use" };
const OWNERSHIP: Record<Ownership, string> = {
  PU: "Public",
  PR: "Private",
  MA: "Air Force",
  MN: "Navy",
  MR: "Army",
  CG: "Coast Guard",
};

function pick<T extends string>(options: Record<T, string>, value: string): T | undefined {
  return (Object.keys(options) as T[]).find((key) => key === value);
}

/** Review queue of airports added by users, and the list of every airport. */
export function AirportsPage() {
  usePageTitle("Airports");
  const list = useListParams();
  const source = pick(SOURCES, list.extra("source"));
  const query = { page: list.page, per_page: PER_PAGE, unreviewed: !list.all, q: list.q || undefined, source };
  const airports = useAdminAirports(query);

  return (
    <>
      <h1>{list.all ? "Airports" : "Added airports to review"}</h1>
      <ListControls
        label="Search airports by code or name"
        q={list.q}
        onSearch={list.setQ}
        all={list.all}
        onAll={list.setAll}
        allLabel="Show all airports"
      >
        <label className="inline">
          Source
          <select value={source ?? ""} onChange={(event) => list.setExtra("source", event.target.value)}>
            <option value="">Any source</option>
            {(Object.keys(SOURCES) as Source[]).map((value) => (
              <option key={value} value={value}>
                {SOURCES[value]}
              </option>
            ))}
          </select>
        </label>
      </ListControls>
      {airports.isPending ? (
        <Loading />
      ) : airports.isError ? (
        <ErrorMessage error={airports.error} />
      ) : airports.data.items.length === 0 ? (
        <Empty>{list.all ? "No airports found." : "No added airports wait for review."}</Empty>
      ) : (
        <>
          <Table caption="Airports">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">Place</th>
                <th scope="col">Source</th>
                <th scope="col">Revisions</th>
                <th scope="col">Contributors</th>
                <th scope="col">Locked</th>
                <th scope="col">Reviewed</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {airports.data.items.map((airport) => (
                <AirportRow key={airport.id} airport={airport} />
              ))}
            </tbody>
          </Table>
          <Pager page={list.page} perPage={PER_PAGE} total={airports.data.total} onPage={list.setPage} />
        </>
      )}
    </>
  );
}

function AirportRow({ airport }: { airport: AdminAirport }) {
  const approve = useApprove("airports", airport.id);
  return (
    <tr>
      <td>
        <Link to={`/admin/airports/${airport.id}`}>{airport.code}</Link>
      </td>
      <td>{airport.name}</td>
      <td>{[airport.city, airport.state, airport.country].filter(Boolean).join(", ") || "—"}</td>
      <td>{SOURCES[airport.data_source]}</td>
      <td>{airport.revisions}</td>
      <td>{airport.contributors}</td>
      <td>{airport.locked_at ? "Yes" : "No"}</td>
      <td className="nowrap">{airport.reviewed_at ? dateTime(airport.reviewed_at) : "Not yet"}</td>
      <td>
        {!airport.reviewed_at && (
          <ActionButton label="Approve" className="primary" mutation={approve} variables={undefined} />
        )}
      </td>
    </tr>
  );
}

/** One airport: facts, official fields, lock and review, photos and webcams, page views. */
export function AirportDetailPage() {
  const { id = "" } = useParams();
  const airport = useAdminAirport(id);
  usePageTitle(airport.data ? `Manage ${airport.data.code}` : "Airport");
  if (airport.isPending) return <Loading />;
  if (airport.isError) return <ErrorMessage error={airport.error} />;
  const data = airport.data;
  const userAdded = data.data_source === "user_contributed";

  return (
    <>
      <p>
        <Link to="/admin/airports?all=1">← All airports</Link>
      </p>
      <h1>
        {data.code} · {data.name}
      </h1>
      <p>
        <Link to={`/airports/${data.code}`}>Public page of {data.code}</Link>
      </p>
      <section className="card">
        <h2>Facts</h2>
        <dl className="facts">
          <Fact label="ICAO code">{data.icao_code ?? "—"}</Fact>
          <Fact label="Source">{SOURCES[data.data_source]}</Fact>
          <Fact label="Type">{FACILITY_TYPES[data.facility_type]}</Fact>
          <Fact label="Landing rights">{data.landing_rights}</Fact>
          <Fact label="Coordinates">
            {data.latitude.toFixed(5)}, {data.longitude.toFixed(5)}
          </Fact>
          <Fact label="Place">{[data.city, data.state, data.country].filter(Boolean).join(", ") || "—"}</Fact>
          <Fact label="Elevation">{data.elevation_ft === null ? "—" : `${data.elevation_ft.toLocaleString("en-US")} ft`}</Fact>
          <Fact label="Revisions">{data.revisions}</Fact>
          <Fact label="Contributors">{data.contributors}</Fact>
          <Fact label="Locked">{data.locked_at ? dateTime(data.locked_at) : "No"}</Fact>
          <Fact label="Reviewed">{data.reviewed_at ? dateTime(data.reviewed_at) : "Not yet"}</Fact>
          <Fact label="Added">{dateTime(data.created_at)}</Fact>
          <Fact label="Updated">{dateTime(data.updated_at)}</Fact>
        </dl>
      </section>

      <AirportForm key={data.id} airport={data} />

      <Media id={data.id} code={data.code} />

      {userAdded && <DeleteAirport airport={data} />}

      <section>
        <h2>Page views</h2>
        <PageviewTable kind="airport" id={data.id} />
      </section>
    </>
  );
}

/** A component of its own: the mutation's updates must not re-render the page, whose query it removes. */
function DeleteAirport({ airport }: { airport: AdminAirport }) {
  const navigate = useNavigate();
  const remove = useDeleteAirport(airport.id, airport.code);
  return (
    <section className="card danger-zone">
      <h2>Delete</h2>
      <p>This airport was added by a user. Deleting it removes it and everything on it.</p>
      <ActionButton
        label="Delete airport"
        className="danger"
        confirm={`Delete ${airport.code} for good?`}
        mutation={remove}
        variables={undefined}
        onDone={() => navigate("/admin/airports")}
      />
    </section>
  );
}

function formOf(airport: AdminAirport) {
  return {
    code: airport.code,
    name: airport.name,
    city: airport.city ?? "",
    state: airport.state ?? "",
    latitude: String(airport.latitude),
    longitude: String(airport.longitude),
    elevation_ft: airport.elevation_ft === null ? "" : String(airport.elevation_ft),
    facility_type: airport.facility_type as string,
    facility_use: airport.facility_use ?? "",
    ownership_type: airport.ownership_type ?? "",
    fuel_types: airport.fuel_types.join(", "),
    locked: Boolean(airport.locked_at),
    reviewed: Boolean(airport.reviewed_at),
  };
}
type AirportFormState = ReturnType<typeof formOf>;

/** The changes between the loaded airport and the form, as the API wants them. */
function changesOf(initial: AirportFormState, form: AirportFormState): Schemas["AdminAirportChanges"] | string {
  const body: Schemas["AdminAirportChanges"] = {};
  if (form.code !== initial.code) body.code = form.code.trim().toUpperCase();
  if (form.name !== initial.name) body.name = form.name.trim();
  if (form.city !== initial.city) body.city = form.city.trim() || null;
  if (form.state !== initial.state) body.state = form.state.trim() || null;
  for (const name of ["latitude", "longitude"] as const) {
    if (form[name] !== initial[name]) {
      const value = Number(form[name]);
      if (!form[name].trim() || !Number.isFinite(value)) return `The ${name} must be a number.`;
      body[name] = value;
    }
  }
  if (form.elevation_ft !== initial.elevation_ft) {
    const value = Number(form.elevation_ft);
    if (form.elevation_ft.trim() && !Number.isInteger(value)) return "The elevation must be a whole number of feet.";
    body.elevation_ft = form.elevation_ft.trim() ? value : null;
  }
  if (form.facility_type !== initial.facility_type) body.facility_type = pick(FACILITY_TYPES, form.facility_type);
  if (form.facility_use !== initial.facility_use) body.facility_use = pick(USES, form.facility_use) ?? null;
  if (form.ownership_type !== initial.ownership_type) body.ownership_type = pick(OWNERSHIP, form.ownership_type) ?? null;
  if (form.fuel_types !== initial.fuel_types) {
    body.fuel_types = form.fuel_types
      .split(",")
      .map((fuel) => fuel.trim())
      .filter(Boolean);
  }
  if (form.locked !== initial.locked) body.locked = form.locked;
  if (form.reviewed !== initial.reviewed) body.reviewed = form.reviewed;
  return body;
}

function AirportForm({ airport }: { airport: AdminAirport }) {
  const initial = formOf(airport);
  const [form, setForm] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useUpdateAirport(airport.id, airport.code);

  function set<K extends keyof AirportFormState>(name: K, value: AirportFormState[K]) {
    setSaved(false);
    setForm((current) => ({ ...current, [name]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = changesOf(initial, form);
    if (typeof body === "string") {
      setProblem(body);
      return;
    }
    setProblem(null);
    setSaved(false);
    save.mutate(body, {
      onSuccess: (updated) => {
        setForm(formOf(updated));
        setSaved(true);
      },
    });
  }

  const text = (name: "code" | "name" | "city" | "state" | "latitude" | "longitude" | "elevation_ft" | "fuel_types", label: string, extra?: { inputMode?: "decimal" | "numeric"; required?: boolean }) => (
    <div>
      <label htmlFor={`airport-${name}`}>{label}</label>
      <input
        id={`airport-${name}`}
        value={form[name]}
        inputMode={extra?.inputMode}
        required={extra?.required}
        onChange={(event) => set(name, event.target.value)}
      />
    </div>
  );

  return (
    <form className="card" onSubmit={submit} aria-labelledby="edit-airport">
      <h2 id="edit-airport">Official fields</h2>
      {airport.data_source !== "user_contributed" && (
        <p className="notice">
          These fields come from {SOURCES[airport.data_source]}. Change them only to fix an error: each change is
          recorded in the airport’s history, and the next import may set them back.
        </p>
      )}
      <div className="form-grid">
        {text("code", "Code", { required: true })}
        {text("name", "Name", { required: true })}
        {text("city", "City")}
        {text("state", "State")}
        {text("latitude", "Latitude", { inputMode: "decimal", required: true })}
        {text("longitude", "Longitude", { inputMode: "decimal", required: true })}
        {text("elevation_ft", "Elevation (ft)", { inputMode: "numeric" })}
        <div>
          <label htmlFor="airport-type">Facility type</label>
          <select id="airport-type" value={form.facility_type} onChange={(event) => set("facility_type", event.target.value)}>
            {(Object.keys(FACILITY_TYPES) as FacilityType[]).map((value) => (
              <option key={value} value={value}>
                {FACILITY_TYPES[value]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="airport-use">Facility use</label>
          <select id="airport-use" value={form.facility_use} onChange={(event) => set("facility_use", event.target.value)}>
            <option value="">Unknown</option>
            {(Object.keys(USES) as FacilityUse[]).map((value) => (
              <option key={value} value={value}>
                {USES[value]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="airport-ownership">Ownership</label>
          <select
            id="airport-ownership"
            value={form.ownership_type}
            onChange={(event) => set("ownership_type", event.target.value)}
          >
            <option value="">Unknown</option>
            {(Object.keys(OWNERSHIP) as Ownership[]).map((value) => (
              <option key={value} value={value}>
                {OWNERSHIP[value]}
              </option>
            ))}
          </select>
        </div>
        {text("fuel_types", "Fuel types (comma-separated)")}
      </div>
      <fieldset>
        <legend>Lock and review</legend>
        <label className="inline">
          <input type="checkbox" checked={form.locked} onChange={(event) => set("locked", event.target.checked)} />
          Locked (nobody but administrators can edit it)
        </label>
        <label className="inline">
          <input type="checkbox" checked={form.reviewed} onChange={(event) => set("reviewed", event.target.checked)} />
          Reviewed
        </label>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save changes
        </button>
      </div>
      {saved && !save.isPending && (
        <p className="success" role="status">
          Saved.
        </p>
      )}
      {(problem || save.isError) && (
        <p className="error" role="alert">
          {problem ?? errorText(save.error)}
        </p>
      )}
    </form>
  );
}

/** The airport's contributed photos and webcams (from the public airport page), with delete. */
function Media({ id, code }: { id: string; code: string }) {
  const detail = useAirportMedia(id, code);
  return (
    <section className="card">
      <h2>Photos and webcams</h2>
      {detail.isPending ? (
        <Loading />
      ) : detail.isError ? (
        <ErrorMessage error={detail.error} />
      ) : (
        <>
          <h3>Contributed photos</h3>
          {detail.data.photos.length === 0 ? (
            <p className="muted">No photos.</p>
          ) : (
            <ul className="photo-grid">
              {detail.data.photos.map((photo) => (
                <PhotoItem key={photo.id} code={code} photo={photo} />
              ))}
            </ul>
          )}
          <h3>Webcams</h3>
          {detail.data.webcams.length === 0 ? (
            <p className="muted">No webcams.</p>
          ) : (
            <ul className="webcam-list">
              {detail.data.webcams.map((webcam) => (
                <WebcamItem key={webcam.id} code={code} webcam={webcam} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function PhotoItem({ code, photo }: { code: string; photo: Schemas["PhotoOut"] }) {
  const remove = useDeletePhoto(code);
  return (
    <li>
      <a href={photo.url} target="_blank" rel="noreferrer">
        <img src={photo.url} alt={`Photo added ${dateTime(photo.created_at)}`} loading="lazy" />
      </a>
      <span className="muted small">
        {dateTime(photo.created_at)} · {photo.width}×{photo.height}
        {photo.source === "external" && " · from Google (not fetched again once deleted)"}
      </span>
      <ActionButton
        label="Delete photo"
        className="danger"
        confirm="Delete this photo?"
        mutation={remove}
        variables={photo.id}
      />
    </li>
  );
}

function WebcamItem({ code, webcam }: { code: string; webcam: Schemas["WebcamOut"] }) {
  const remove = useDeleteWebcam(code);
  return (
    <li className="row">
      <a href={webcam.url} target="_blank" rel="noreferrer" className="break">
        {webcam.url}
      </a>
      <span className="muted small">({webcam.kind})</span>
      <ActionButton
        label="Delete webcam"
        className="danger"
        confirm="Delete this webcam?"
        mutation={remove}
        variables={webcam.id}
      />
    </li>
  );
}
