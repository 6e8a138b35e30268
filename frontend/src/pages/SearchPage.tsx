import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMeta } from "../api/meta";
import { useAdvancedSearch } from "../api/search";
import type { Meta, Schemas } from "../api/types";
import { ErrorMessage, Loading } from "../components/Layout";
import { usePageTitle } from "../components/PageTitle";
import {
  EVENT_DAYS,
  FACILITY_TYPES,
  FLIGHT_CATEGORIES,
  LANDING_RIGHTS,
  SURFACES,
  filterProblems,
  filtersFromParams,
  paramsFromFilters,
  radiusNm,
  type DistanceMode,
  type SearchFilters,
  type Surface,
} from "../lib/searchParams";
import { facilityText, placeText } from "../lib/places";
import { CATEGORY_NAMES } from "../lib/weather";
import "./pages.css";

type Result = Schemas["AdvancedSearchResult"];

const SURFACE_LABELS: Record<Surface, string> = {
  paved: "Paved",
  grass: "Grass or other unpaved",
  water: "Water",
};

const number = new Intl.NumberFormat("en-US");

/** Advanced search: the filters live in the URL, so a search can be shared and the back button works. */
export default function SearchPage() {
  usePageTitle("Advanced search", "Find airports by distance, runways, access, tags, events and weather.");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const meta = useMeta();
  const queryString = params.toString();
  const filters = filtersFromParams(params);
  const problems = filterProblems(filters);

  const results = useAdvancedSearch(filters, problems.length === 0);

  function go(next: SearchFilters) {
    const query = paramsFromFilters(next).toString();
    navigate(query ? `/search?${query}` : "/search");
  }

  function turn(page: number) {
    go({ ...filters, page });
    document.getElementById("results-title")?.scrollIntoView();
  }

  const data = results.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.per_page)) : 1;

  return (
    <div className="search-page">
      <h1>Advanced search</h1>
      {data && (
        <p className="jump-to-results">
          <button
            type="button"
            className="link"
            onClick={() => document.getElementById("results-title")?.scrollIntoView({ behavior: "smooth" })}
          >
            Jump to the results ({number.format(data.total)})
          </button>
        </p>
      )}
      <div className="search-layout">
        {/* Remounted when the URL changes (back button), so the form always shows the URL's search. */}
        <SearchForm key={queryString} initial={filters} meta={meta.data} onSearch={go} />
        <section aria-labelledby="results-title" className="search-results-list">
          <h2 id="results-title">Results</h2>
          {problems.length > 0 && (
            <ul className="notice danger" role="alert">
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
          {results.isPending && problems.length === 0 && <Loading what="Searching…" />}
          {results.isError && <ErrorMessage error={results.error} />}
          {data && (
            <>
              <p className="muted" aria-live="polite">
                {data.total === 0
                  ? "No airport matches these filters."
                  : `${number.format(data.total)} ${data.total === 1 ? "airport" : "airports"}` +
                    (data.centre ? `, nearest to ${data.centre} first` : "") +
                    (pages > 1 ? ` · page ${data.page} of ${number.format(pages)}` : "")}
              </p>
              <ol className="result-cards" aria-busy={results.isFetching}>
                {data.results.map((airport) => (
                  <ResultCard key={airport.code} airport={airport} meta={meta.data} centre={data.centre} />
                ))}
              </ol>
              {pages > 1 && (
                <nav className="pager" aria-label="Pages">
                  <button
                    type="button"
                    disabled={data.page <= 1}
                    onClick={() => turn(data.page - 1)}
                  >
                    Previous page
                  </button>
                  <span className="muted">
                    Page {data.page} of {number.format(pages)}
                  </span>
                  <button
                    type="button"
                    disabled={data.page >= pages}
                    onClick={() => turn(data.page + 1)}
                  >
                    Next page
                  </button>
                </nav>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function formParams(form: HTMLFormElement): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string" && value.trim() !== "") params.append(name, value.trim());
  }
  return params;
}

function SearchForm({
  initial,
  meta,
  onSearch,
}: {
  initial: SearchFilters;
  meta: Meta | undefined;
  onSearch: (filters: SearchFilters) => void;
}) {
  const [mode, setMode] = useState<DistanceMode>(initial.distanceMode);
  const [problems, setProblems] = useState<string[]>([]);
  const facilityLabels = new Map(meta?.facility_types.map((type) => [type.name, type.label]));
  const rightsLabels = new Map(meta?.landing_rights.map((rights) => [rights.name, rights]));
  const tags = meta?.tags.filter((tag) => tag.searchable) ?? [];
  // A link may ask for a number of days the list does not offer: it is kept, and shown.
  const eventDays =
    initial.eventsWithinDays === null || EVENT_DAYS.includes(initial.eventsWithinDays)
      ? EVENT_DAYS
      : [...EVENT_DAYS, initial.eventsWithinDays].sort((a, b) => a - b);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const filters = { ...filtersFromParams(formParams(event.currentTarget)), distanceMode: mode, page: 1 };
    const found = filterProblems(filters);
    setProblems(found);
    if (found.length === 0) onSearch(filters);
  }

  const radius = radiusNm(initial);

  return (
    <form className="search-form card" onSubmit={submit} aria-label="Search filters">
      <fieldset>
        <legend>Location</legend>
        <label htmlFor="near">Near airport (code)</label>
        <input
          id="near"
          name="near"
          defaultValue={initial.near}
          placeholder="e.g. KPAE"
          autoCapitalize="characters"
          maxLength={64}
        />
        <div role="radiogroup" aria-label="Distance in">
          <label className="inline">
            <input
              type="radio"
              name="distance_mode"
              checked={mode === "nm"}
              onChange={() => setMode("nm")}
            />
            Distance (NM)
          </label>
          <label className="inline">
            <input
              type="radio"
              name="distance_mode"
              checked={mode === "hours"}
              onChange={() => setMode("hours")}
            />
            Flying time
          </label>
        </div>
        {mode === "nm" ? (
          <>
            <label htmlFor="within_nm">Within (NM)</label>
            <input
              id="within_nm"
              name="within_nm"
              type="number"
              inputMode="decimal"
              min={1}
              max={4000}
              step="any"
              defaultValue={initial.withinNm ?? ""}
            />
          </>
        ) : (
          <>
            <label htmlFor="within_hours">Flying time (hours)</label>
            <input
              id="within_hours"
              name="within_hours"
              type="number"
              inputMode="decimal"
              min={0.1}
              max={24}
              step="any"
              defaultValue={initial.withinHours ?? ""}
            />
            <label htmlFor="cruise_knots">Cruise speed (knots)</label>
            <input
              id="cruise_knots"
              name="cruise_knots"
              type="number"
              inputMode="decimal"
              min={1}
              max={1000}
              step="any"
              defaultValue={initial.cruiseKnots ?? ""}
            />
          </>
        )}
        <p className="small muted">
          With an airport but no distance, every result is listed, nearest first.
          {radius !== null && ` This search covers ${number.format(radius)} NM.`}
        </p>
      </fieldset>

      <fieldset>
        <legend>Facility type</legend>
        {FACILITY_TYPES.map((type) => (
          <label className="inline" key={type}>
            <input
              type="checkbox"
              name="facility_type"
              value={type}
              defaultChecked={initial.facilityTypes.includes(type)}
            />
            {facilityLabels.get(type) ?? type.replace("_", " ")}
          </label>
        ))}
      </fieldset>

      <fieldset>
        <legend>Access</legend>
        {LANDING_RIGHTS.map((rights) => (
          <label className="inline" key={rights} title={rightsLabels.get(rights)?.description}>
            <input
              type="checkbox"
              name="access"
              value={rights}
              defaultChecked={initial.access.includes(rights)}
            />
            {rightsLabels.get(rights)?.label ?? rights}
          </label>
        ))}
        <p className="small muted">None ticked: any access.</p>
      </fieldset>

      <fieldset>
        <legend>Runways</legend>
        <label htmlFor="min_runway_length_ft">Minimum runway length (ft)</label>
        <input
          id="min_runway_length_ft"
          name="min_runway_length_ft"
          type="number"
          inputMode="numeric"
          min={0}
          max={30000}
          step={100}
          defaultValue={initial.minRunwayLengthFt ?? ""}
        />
        <p className="small muted">Surface (any of):</p>
        {SURFACES.map((surface) => (
          <label className="inline" key={surface}>
            <input
              type="checkbox"
              name="surface"
              value={surface}
              defaultChecked={initial.surfaces.includes(surface)}
            />
            {SURFACE_LABELS[surface]}
          </label>
        ))}
        <div>
          <label className="inline">
            <input type="checkbox" name="lighted" value="1" defaultChecked={initial.lighted} />
            Lighted runway
          </label>
        </div>
      </fieldset>

      <fieldset>
        <legend>Airport</legend>
        <label htmlFor="max_elevation_ft">Maximum elevation (ft)</label>
        <input
          id="max_elevation_ft"
          name="max_elevation_ft"
          type="number"
          inputMode="numeric"
          min={-1500}
          max={30000}
          step={100}
          defaultValue={initial.maxElevationFt ?? ""}
        />
        <div>
          <label className="inline">
            <input type="checkbox" name="include_closed" value="1" defaultChecked={initial.includeClosed} />
            Include closed airports
          </label>
        </div>
      </fieldset>

      <fieldset>
        <legend>Tags</legend>
        {tags.length === 0 && <p className="small muted">Loading tags…</p>}
        <div className="tag-choices">
          {tags.map((tag) => (
            <label className="inline" key={tag.name}>
              <input
                type="checkbox"
                name="tags"
                value={tag.name}
                defaultChecked={initial.tags.includes(tag.name)}
              />
              {tag.label}
            </label>
          ))}
        </div>
        <div role="radiogroup" aria-label="Tags to match">
          <label className="inline">
            <input type="radio" name="tags_match" value="any" defaultChecked={initial.tagsMatch === "any"} />
            Any of them
          </label>
          <label className="inline">
            <input type="radio" name="tags_match" value="all" defaultChecked={initial.tagsMatch === "all"} />
            All of them
          </label>
        </div>
      </fieldset>

      <fieldset>
        <legend>Events</legend>
        <label htmlFor="events_within_days">Event going on or starting</label>
        <select
          id="events_within_days"
          name="events_within_days"
          defaultValue={initial.eventsWithinDays ?? ""}
        >
          <option value="">Any time</option>
          {eventDays.map((days) => (
            <option key={days} value={days}>
              Within {days} {days === 1 ? "day" : "days"}
            </option>
          ))}
        </select>
        <p className="small muted">Any time: airports with or without events.</p>
      </fieldset>

      <fieldset>
        <legend>Weather now (latest METAR)</legend>
        {FLIGHT_CATEGORIES.map((category) => (
          <label className="inline" key={category}>
            <input
              type="checkbox"
              name="flight_category"
              value={category}
              defaultChecked={initial.flightCategories.includes(category)}
            />
            {category} <span className="small muted">({CATEGORY_NAMES[category].toLowerCase()})</span>
          </label>
        ))}
        <p className="small muted">
          None ticked: any weather. Otherwise only airports with a METAR from the last two hours.
        </p>
      </fieldset>

      {problems.length > 0 && (
        <ul className="error" role="alert">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Search
        </button>
        <Link to="/search" className="button">
          Clear filters
        </Link>
      </div>
    </form>
  );
}

function ResultCard({
  airport,
  meta,
  centre,
}: {
  airport: Result;
  meta: Meta | undefined;
  centre: string | null;
}) {
  const tagLabels = new Map(meta?.tags.map((tag) => [tag.name, tag.label]));
  const facility = facilityText(airport.facility_type, null, meta?.facility_types);
  const details = [
    facility,
    airport.landing_rights !== "public" ? airport.landing_rights : null,
    airport.elevation_ft !== null ? `elevation ${number.format(airport.elevation_ft)} ft` : null,
    airport.longest_runway_ft !== null
      ? `longest runway ${number.format(airport.longest_runway_ft)} ft`
      : null,
  ].filter(Boolean);
  return (
    <li className="card result-card">
      <div className="row">
        <h3>
          <Link to={`/airports/${encodeURIComponent(airport.code)}`}>
            {airport.code} - {airport.name}
          </Link>
        </h3>
        <span className="spacer" />
        {airport.distance_nm !== null && (
          <span className="distance">
            {number.format(Math.round(airport.distance_nm * 10) / 10)} NM
            {centre ? ` from ${centre}` : ""}
          </span>
        )}
      </div>
      {placeText(airport) && <p className="place">{placeText(airport)}</p>}
      {details.length > 0 && <p className="small muted">{details.join(" · ")}</p>}
      {airport.tags.length > 0 && (
        <ul className="tag-list" aria-label="Tags">
          {airport.tags.map((tag) => (
            <li key={tag} className="tag">
              {tagLabels.get(tag) ?? tag}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
