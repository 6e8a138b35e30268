import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, call, errorText } from "../../api/client";
import { useMeta, type AirportDetail, type Meta } from "../../api/queries";
import { ErrorMessage, Header, Loading } from "../../components/Layout";
import { SearchBox } from "../../components/SearchBox";
import { usePageTitle } from "../../components/PageTitle";
import {
  clearTags,
  clearTypes,
  readFilters,
  toggleTag,
  toggleType,
  writeFilters,
  type Filters,
} from "../../lib/filters";
import { AirportMap, type Annotated, type MapHandle } from "./AirportMap";
import { NewAirportForm } from "./NewAirportForm";
import "./map.css";

const AirportSummary = lazy(() =>
  import("../airport/AirportSummary").then((module) => ({ default: module.AirportSummary })),
);

const RETURNING_KEY = "returning";

/** The annotated airports among the loaded ones (a stable function: TanStack keeps the result). */
function annotationsOf(results: { data?: AirportDetail }[]): Annotated[] {
  return results.flatMap(({ data }) =>
    data && data.annotations.length > 0 ? [{ code: data.code, annotations: data.annotations }] : [],
  );
}

/** Four-letter codes starting with K are the FAA's three-letter codes (KPAE → PAE). */
export function normaliseCode(code: string): string {
  const upper = code.trim().toUpperCase();
  return /^K[A-Z0-9]{3}$/.test(upper) ? upper.slice(1) : upper;
}

/**
 * The page's query parameters, changed without losing the map position MapLibre keeps in the
 * hash (react-router's own setter drops it).
 */
function useMapParams() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  /** ``change`` edits the parameters it is given, or returns new ones. */
  const update = (change: (next: URLSearchParams) => URLSearchParams | void, replace = false) => {
    const current = new URLSearchParams(window.location.search);
    const search = (change(current) ?? current).toString();
    navigate(
      { search: search ? `?${search}` : "", hash: window.location.hash },
      { replace, preventScrollReset: true },
    );
  };
  return [params, update] as const;
}

function useFilters(meta: Meta) {
  const [params, setParams] = useMapParams();
  const known = useMemo(
    () => ({
      types: meta.facility_types.filter((kind) => !kind.hidden).map((kind) => kind.name),
      tags: meta.tags.map((tag) => tag.name),
      defaultTypes: meta.facility_types.filter((kind) => kind.default).map((kind) => kind.name),
    }),
    [meta],
  );
  const filters = useMemo(() => readFilters(params, known), [params, known]);
  const setFilters = (next: Filters) =>
    setParams((current) => writeFilters(current, next, known.defaultTypes), true);
  return { filters, setFilters };
}

export default function MapPage() {
  const meta = useMeta();
  usePageTitle("Map", "Airports of the United States and Canada on the FAA charts, with what pilots know about them.");
  if (meta.isPending) return <Loading what="Loading the map…" />;
  if (meta.isError) return <ErrorMessage error={meta.error} />;
  return <MapScreen meta={meta.data} />;
}

function MapScreen({ meta }: { meta: Meta }) {
  const [params, setParams] = useMapParams();
  const { filters, setFilters } = useFilters(meta);
  const mapRef = useRef<MapHandle>(null);
  const client = useQueryClient();
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [pitched, setPitched] = useState(false);
  const [detailed, setDetailed] = useState<string[]>([]);
  const [placed, setPlaced] = useState<{ latitude: number; longitude: number } | null>(null);
  const [firstVisit, setFirstVisit] = useState(() => localStorage.getItem(RETURNING_KEY) === null);
  const selected = params.get("airport") ? normaliseCode(params.get("airport") ?? "") : null;
  const drawer = params.get("drawer");
  const showCharts = params.get("layer") !== "satellite";
  const adding = drawer === "new_airport";

  const setParam = (name: string, value: string | null) =>
    setParams((next) => {
      if (value === null) next.delete(name);
      else next.set(name, value);
    });

  // The selected airport: fly there when it is first opened.
  const airport = useQuery({
    queryKey: ["map-airport", selected],
    queryFn: () => call(api.GET("/api/v1/airports/{code}", { params: { path: { code: selected ?? "" } } })),
    enabled: selected !== null,
    staleTime: 60_000,
  });
  // A link with a map position (hash) keeps it; otherwise the map flies to the airport.
  const flownTo = useRef<string | null>(window.location.hash.length > 3 ? selected : null);
  useEffect(() => {
    const found = airport.data;
    if (!found || flownTo.current === found.code || flownTo.current === selected) return;
    flownTo.current = found.code;
    const zoom = Number(params.get("zoom")) || Math.min(found.zoom_level, 13);
    mapRef.current?.flyTo(found.latitude, found.longitude, zoom);
  }, [airport.data, params, selected]);

  // Annotations of the airports in view at high zoom (cached per airport).
  const annotations = useQueries({
    queries: detailed.map((code) => ({
      queryKey: ["map-airport", code],
      queryFn: () => call(api.GET("/api/v1/airports/{code}", { params: { path: { code } } })),
      staleTime: 5 * 60_000,
    })),
    combine: annotationsOf,
  });

  function openAirport(code: string) {
    flownTo.current = null;
    setParams((next) => {
      next.set("airport", code);
      next.delete("drawer");
    });
  }

  function closeFirstVisit() {
    localStorage.setItem(RETURNING_KEY, "1");
    setFirstVisit(false);
  }

  const visibleTypes = meta.facility_types.filter((kind) => !kind.hidden);
  const drawerOpen = selected !== null || drawer !== null;

  return (
    <div className="map-screen">
      <Header
        search={
          <SearchBox
            near={() => mapRef.current?.center()}
            onPick={(pick) => {
              // Searching for a place switches to the base map, like the original.
              setParam("layer", meta.client.map_style_url ? "satellite" : null);
              if (pick.kind === "airport") {
                openAirport(pick.airport.code);
              } else {
                mapRef.current?.flyTo(pick.latitude, pick.longitude, 16);
              }
            }}
          />
        }
      />
      <div className="map-body">
        <aside className={`filters ${filtersOpen ? "open" : ""}`} aria-label="Map filters">
          <button type="button" className="only-phone primary filters-done" onClick={() => setFiltersOpen(false)}>
            Show the map
          </button>
          <FilterGroup
            title="Filter by type"
            onClear={() => setFilters(clearTypes(filters))}
            items={visibleTypes.map((kind) => ({ name: kind.name, label: kind.label, colour: kind.colour }))}
            enabled={filters.types}
            onToggle={(name) => setFilters(toggleType(filters, name))}
          />
          <FilterGroup
            title="Filter by tag"
            onClear={() => setFilters(clearTags(filters))}
            items={meta.tags.map((tag) => ({ name: tag.name, label: tag.label, colour: tag.colour }))}
            enabled={filters.tags}
            onToggle={(name) => setFilters(toggleTag(filters, name))}
          />
        </aside>
        <div className="map-area">
          <AirportMap
            ref={mapRef}
            meta={meta}
            filters={filters}
            selected={selected}
            showCharts={showCharts}
            pitched={pitched}
            annotations={annotations}
            onDetailedView={setDetailed}
            onAirportClick={openAirport}
            placing={adding ? placed : false}
            onPlace={setPlaced}
            padRight={drawerOpen}
          />
          <div className="map-buttons">
            <button type="button" className="only-phone" aria-expanded={filtersOpen} onClick={() => setFiltersOpen(!filtersOpen)}>
              Filters
            </button>
            {meta.chart_layers.length > 0 && (
              <button
                type="button"
                aria-pressed={showCharts}
                onClick={() => setParam("layer", showCharts ? "satellite" : null)}
                title={showCharts ? "Hide the FAA charts" : "Show the FAA charts"}
              >
                {showCharts ? "Charts on" : "Charts off"}
              </button>
            )}
            <button type="button" aria-pressed={pitched} onClick={() => setPitched(!pitched)}>
              {pitched ? "2D" : "3D"}
            </button>
            <button type="button" aria-label="Add an airport" title="Add an airport missing from the map" onClick={() => setParam("drawer", "new_airport")}>
              +
            </button>
          </div>
        </div>
        {drawerOpen && (
          <aside className="drawer" aria-label="Details">
            <button type="button" className="drawer-close" aria-label="Close" onClick={() => {
              setPlaced(null);
              setParams((next) => {
                next.delete("airport");
                next.delete("drawer");
              });
            }}>
              ×
            </button>
            {drawer === "about" && <AboutDrawer />}
            {adding && (
              <NewAirportForm
                meta={meta}
                point={placed}
                onCreated={(code) => {
                  setPlaced(null);
                  void client.invalidateQueries({ queryKey: ["meta"] });
                  openAirport(code);
                }}
              />
            )}
            {!drawer && selected && (
              airport.isError ? (
                <p className="error">{errorText(airport.error)}</p>
              ) : (
                <Suspense fallback={<Loading />}>
                  <AirportSummary
                    code={selected}
                    onZoom={() => {
                      const box = airport.data?.bounding_box;
                      if (box) mapRef.current?.fitBounds(box.sw_longitude, box.sw_latitude, box.ne_longitude, box.ne_latitude);
                      else if (airport.data) mapRef.current?.flyTo(airport.data.latitude, airport.data.longitude, 16);
                    }}
                  />
                </Suspense>
              )
            )}
          </aside>
        )}
        {firstVisit && !drawerOpen && (
          <FirstVisit
            meta={meta}
            onChoose={(tag) => {
              setFilters({ ...filters, tags: [tag] });
              closeFirstVisit();
            }}
            onClose={closeFirstVisit}
          />
        )}
      </div>
    </div>
  );
}

function FilterGroup({
  title,
  items,
  enabled,
  onToggle,
  onClear,
}: {
  title: string;
  items: { name: string; label: string; colour: string | null }[];
  enabled: string[];
  onToggle: (name: string) => void;
  onClear: () => void;
}) {
  return (
    <fieldset className="filter-group">
      <legend>
        {title}{" "}
        <button type="button" className="link small" onClick={onClear}>
          (clear all)
        </button>
      </legend>
      {items.map((item) => (
        <label key={item.name} className="inline filter-item">
          <input type="checkbox" checked={enabled.includes(item.name)} onChange={() => onToggle(item.name)} />
          <span className="swatch" data-colour={item.colour ?? "grey"} />
          {item.label}
        </label>
      ))}
    </fieldset>
  );
}

function FirstVisit({ meta, onChoose, onClose }: { meta: Meta; onChoose: (tag: string) => void; onClose: () => void }) {
  const origins = meta.tags.filter((tag) => tag.origin);
  return (
    <section className="first-visit card" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Welcome to Pirep</h2>
      <p>
        Pirep is a free airport guide written by pilots: the things only someone who has landed
        there knows — where to park, what fuel costs, whether there is a crew car. Anyone can add
        what they know.
      </p>
      <p className="small muted">What are you looking for?</p>
      <div className="row">
        {origins.map((tag) => (
          <button key={tag.name} type="button" onClick={() => onChoose(tag.name)}>
            {tag.label}
          </button>
        ))}
      </div>
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>
          Explore the map
        </button>
        <Link to="/about">About Pirep</Link>
      </div>
    </section>
  );
}

function AboutDrawer() {
  return (
    <section>
      <h2>About Pirep</h2>
      <p>
        Free, community-sourced airport information for pilots. Official data from the FAA and
        OurAirports, and what pilots who have been there know. Not for navigation.
      </p>
      <Link to="/about">Read more</Link>
    </section>
  );
}
