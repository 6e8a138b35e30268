import { useState, type FormEvent } from "react";
import { useCreateAirport } from "../../api/airports";
import { errorText } from "../../api/errors";
import { useLimits } from "../../api/meta";
import type { Meta, Schemas } from "../../api/types";

type LandingRights = Schemas["LandingRights"];

/** Adding an airport missing from the official data: click the map, then name it. */
export function NewAirportForm({
  meta,
  point,
  onCreated,
}: {
  meta: Meta;
  point: { latitude: number; longitude: number } | null;
  onCreated: (code: string) => void;
}) {
  const create = useCreateAirport();
  const limits = useLimits();
  const [name, setName] = useState("");
  const [closed, setClosed] = useState(false);
  const [rights, setRights] = useState<LandingRights>("private");
  const [elevation, setElevation] = useState("");
  const [unplaced, setUnplaced] = useState(false);
  const problem = unplaced ? "Click the map where the airport is first." : create.isError ? errorText(create.error) : null;
  const saving = create.isPending;

  function submit(event: FormEvent) {
    event.preventDefault();
    setUnplaced(!point);
    if (!point) return;
    create.mutate(
      {
        name: name.trim(),
        latitude: point.latitude,
        longitude: point.longitude,
        elevation_ft: elevation ? Number(elevation) : null,
        landing_rights: rights,
        closed,
      },
      { onSuccess: (created) => onCreated(created.code) },
    );
  }

  return (
    <form onSubmit={submit} aria-labelledby="new-airport-title">
      <h2 id="new-airport-title">Add an airport</h2>
      <p className="small">
        For airstrips missing from the FAA's data. Click the map where the airport is
        {point ? ` (now ${point.latitude.toFixed(5)}, ${point.longitude.toFixed(5)}; click again to move it)` : ""}.
      </p>
      <label htmlFor="new-name">Airport name</label>
      <input id="new-name" required maxLength={limits?.airport_name_max_length} value={name} onChange={(event) => setName(event.target.value)} />
      <label htmlFor="new-elevation">Elevation (feet)</label>
      <input
        id="new-elevation"
        type="number"
        min={-1500}
        max={30000}
        value={elevation}
        onChange={(event) => setElevation(event.target.value)}
        aria-describedby="new-elevation-hint"
      />
      <p id="new-elevation-hint" className="small muted">
        {meta.client.terrain_elevation
          ? "Left empty, Pirep looks it up from terrain data within minutes."
          : "Please give it: this Pirep cannot look it up from terrain data (it is offline). Left empty, the elevation stays unknown."}
      </p>
      <fieldset>
        <legend>State</legend>
        <label className="inline">
          <input type="radio" name="state" checked={!closed} onChange={() => setClosed(false)} /> Active
        </label>
        <label className="inline">
          <input type="radio" name="state" checked={closed} onChange={() => setClosed(true)} /> Closed
        </label>
      </fieldset>
      <label htmlFor="new-rights">Landing rights</label>
      <select id="new-rights" value={rights} onChange={(event) => setRights(event.target.value as LandingRights)}>
        {meta.landing_rights.map((option) => (
          <option key={option.name} value={option.name}>
            {option.description}
          </option>
        ))}
      </select>
      {problem && <p className="error">{problem}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Adding…" : "Add the airport"}
        </button>
      </div>
    </form>
  );
}
