import {
  lazy,
  startTransition,
  Suspense,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useOptimistic,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useAirport, useAnnotations } from "../../api/airports";
import { errorText } from "../../api/errors";
import { useMatchCount } from "../../api/map";
import { useMeta } from "../../api/meta";
import type { Meta } from "../../api/types";
import { ErrorMessage, Header, Loading, MAIN_ID } from "../../components/Layout";
import { SearchBox } from "../../components/SearchBox";
import { usePageTitle } from "../../components/PageTitle";
import { colourOf } from "../../lib/colours";
import {
  clear,
  defaultFilters,
  readFilters,
  toggle,
  writeFilters,
  type Filters,
  type Group,
  type KnownFilters,
} from "../../lib/filters";
import { AirportMap, type Centre, type InView, type MapHandle } from "./AirportMap";
import { prefetchBasemap } from "./basemap";
import { NewAirportForm } from "./NewAirportForm";
import { OfflinePanel } from "./OfflinePanel";
import "./map.css";

const AirportSummary = lazy(() =>
  import("../airport/AirportSummary").then((module) => ({ default: module.AirportSummary })),
);

const RETURNING_KEY = "returning";
// The list of airports in view names at most this many, the most important first.
const LIST_LIMIT = 60;
// Where the phone layout starts (map.css): the details are a sheet over the map's lower half.
const PHONE = "(max-width: 760px)";
const SHEET_SHARE = 0.5;
const OFFLINE_ID = "map-offline";

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
    // Lists stay readable in the address bar: `filters_tags=fuel,public`.
    const search = (change(current) ?? current).toString().replace(/%2C/gi, ",");
    navigate(
      { search: search ? `?${search}` : "", hash: window.location.hash },
      { replace, preventScrollReset: true },
    );
  };
  return [params, update] as const;
}

function knownFilters(meta: Meta): KnownFilters {
  const access = meta.landing_rights.map((rights) => rights.name).filter((name) => meta.tags.some((tag) => tag.name === name));
  return {
    types: meta.facility_types.map((kind) => kind.name),
    access,
    tags: meta.tags.map((tag) => tag.name).filter((name) => !access.includes(name)),
    defaultTypes: meta.facility_types.filter((kind) => kind.default).map((kind) => kind.name),
  };
}

function useFilters(meta: Meta) {
  const [params, setParams] = useMapParams();
  const known = useMemo(() => knownFilters(meta), [meta]);
  const inUrl = useMemo(() => readFilters(params, known), [params, known]);
  // The router updates the URL in a transition: meanwhile the boxes show what was just ticked
  // (a controlled checkbox would otherwise spring back until the new URL is read).
  const [filters, showNow] = useOptimistic(inUrl);
  const setFilters = (next: Filters) =>
    startTransition(() => {
      showNow(next);
      setParams((current) => writeFilters(current, next, known), true);
    });
  return { filters, setFilters, known };
}

export default function MapPage() {
  const meta = useMeta();
  const [params] = useSearchParams();
  if (params.get("basemap") !== "off" && !meta.data?.client.map_style_url) prefetchBasemap();
  usePageTitle("Map", "Airports of the United States and Canada on the FAA charts, with what pilots know about them.");
  if (meta.isPending) return <Loading what="Loading the map…" />;
  if (meta.isError) return <ErrorMessage error={meta.error} />;
  return <MapScreen meta={meta.data} />;
}

interface Item {
  name: string;
  label: string;
  colour?: string;
}

function MapScreen({ meta }: { meta: Meta }) {
  const [params, setParams] = useMapParams();
  const { filters, setFilters, known } = useFilters(meta);
  const mapRef = useRef<MapHandle>(null);
  const mapBody = useRef<HTMLElement>(null);
  const drawerRef = useRef<HTMLElement>(null);
  const filtersButton = useRef<HTMLButtonElement>(null);
  const filtersPanel = useRef<HTMLElement>(null);
  const offlineButton = useRef<HTMLButtonElement>(null);
  // Where the keyboard was before the details opened, to go back there when they close.
  const returnFocus = useRef<HTMLElement | null>(null);
  // A keyboard user who opened the details lands in them.
  const focusDrawer = useRef(false);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [offlineOpen, setOfflineOpen] = useState(false);
  // The map's centre while the offline packs are open: they are the charts under it.
  const [centre, setCentre] = useState<Centre | null>(null);
  const [pitched, setPitched] = useState(false);
  const [detailed, setDetailed] = useState<string[]>([]);
  const [placed, setPlaced] = useState<{ latitude: number; longitude: number } | null>(null);
  const [firstVisit, setFirstVisit] = useState(() => localStorage.getItem(RETURNING_KEY) === null);
  const [listOpen, setListOpen] = useState(false);
  const [inView, setInView] = useState<InView[] | null>(null);
  const selected = params.get("airport") ? normaliseCode(params.get("airport") ?? "") : null;
  const drawer = params.get("drawer");
  // `layer=satellite` is how older links said the charts were off.
  const showCharts = params.get("charts") !== "off" && params.get("layer") !== "satellite";
  const basemap = params.get("basemap") !== "off";
  const adding = drawer === "new_airport";

  // `?markers=geojson` draws the airports from the whole GeoJSON instead of the vector tiles, and
  // `?markers=off` draws none (to compare them, as bench/frontend.py does).
  const markersParam = params.get("markers");
  const markers = markersParam === "geojson" || markersParam === "off" ? markersParam : "tiles";
  const matching = useMatchCount(filters, known, meta.airport_tiles_url);
  const count = matching.data ?? null;

  const setParam = (name: string, value: string | null) =>
    setParams((next) => {
      if (value === null) next.delete(name);
      else next.set(name, value);
    });

  function setCharts(on: boolean) {
    setParams((next) => {
      next.delete("layer");
      if (on) next.delete("charts");
      else next.set("charts", "off");
    });
  }

  // The selected airport: fly there when it is first opened.
  const airport = useAirport(selected ?? "", { enabled: selected !== null, staleTime: 60_000 });
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
  const annotations = useAnnotations(detailed);

  const bottomInset = useCallback(() => {
    if (!window.matchMedia(PHONE).matches) return 0;
    const sheet = drawerRef.current?.offsetHeight;
    return sheet || Math.round((mapBody.current?.clientHeight ?? window.innerHeight) * SHEET_SHARE);
  }, []);

  function openAirport(code: string, { focus = false } = {}) {
    flownTo.current = null;
    if (focus) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      focusDrawer.current = true;
    }
    setParams((next) => {
      next.set("airport", code);
      next.delete("drawer");
    });
  }

  const drawerOpen = selected !== null || drawer !== null;
  useEffect(() => {
    if (drawerOpen && focusDrawer.current) {
      focusDrawer.current = false;
      drawerRef.current?.focus();
    }
  }, [drawerOpen, selected, drawer]);

  function closeDrawer() {
    setPlaced(null);
    setParams((next) => {
      next.delete("airport");
      next.delete("drawer");
    });
    const back = returnFocus.current;
    returnFocus.current = null;
    // Back where the keyboard was, or to the map when that is gone.
    requestAnimationFrame(() => {
      if (back?.isConnected) back.focus();
      else document.querySelector<HTMLElement>(".maplibregl-canvas")?.focus();
    });
  }

  function toggleFilters(open: boolean) {
    setFiltersOpen(open);
    requestAnimationFrame(() => {
      if (open) filtersPanel.current?.querySelector<HTMLElement>("button")?.focus();
      else filtersButton.current?.focus();
    });
  }

  function closeOffline() {
    setOfflineOpen(false);
    setCentre(null);
    requestAnimationFrame(() => offlineButton.current?.focus());
  }

  function closeFirstVisit() {
    localStorage.setItem(RETURNING_KEY, "1");
    setFirstVisit(false);
  }

  const labelOf = (items: Item[]) => new Map(items.map((item) => [item.name, item.label]));
  const typeItems: Item[] = meta.facility_types
    .filter((kind) => !kind.hidden || filters.types.includes(kind.name))
    .map((kind) => ({ name: kind.name, label: kind.label, colour: colourOf(kind.colour) }));
  const accessItems: Item[] = known.access.map((name) => ({
    name,
    label: meta.tags.find((tag) => tag.name === name)?.label ?? name,
  }));
  const tagItems: Item[] = meta.tags
    .filter((tag) => known.tags.includes(tag.name))
    .map((tag) => ({ name: tag.name, label: tag.label }));
  const typeLabels = labelOf(meta.facility_types.map((kind) => ({ name: kind.name, label: kind.label })));
  const isDefault = JSON.stringify(filters) === JSON.stringify(defaultFilters(known));

  const groups: { group: Group; title: string; items: Item[]; any: string; hint: string }[] = [
    { group: "types", title: "Type", items: typeItems, any: "any type", hint: "None ticked: airports of every type." },
    { group: "access", title: "Access", items: accessItems, any: "any access", hint: "None ticked: public and private alike." },
    { group: "tags", title: "Tags", items: tagItems, any: "any tags", hint: "Airports with any of the ticked tags. None ticked: tags do not matter." },
  ];

  return (
    <div className="map-screen">
      <Header
        search={
          <SearchBox
            near={() => mapRef.current?.center()}
            onPick={(pick) => {
              // Searching for a place shows the base map under it, like the original, when
              // there is one worth seeing (a satellite or street style).
              setCharts(!meta.client.map_style_url);
              if (pick.kind === "airport") {
                openAirport(pick.airport.code);
              } else {
                mapRef.current?.flyTo(pick.latitude, pick.longitude, 16);
              }
            }}
          />
        }
      />
      <main className="map-body" id={MAIN_ID} ref={mapBody} tabIndex={-1}>
        <aside
          id="map-filters"
          ref={filtersPanel}
          className={`filters ${filtersOpen ? "open" : ""}`}
          aria-label="Map filters"
        >
          <button type="button" className="only-phone primary filters-done" onClick={() => toggleFilters(false)}>
            Show the map
          </button>
          <p className="match-count" role="status" aria-live="polite">
            {count === null
              ? matching.isError
                ? "The airports could not be loaded."
                : "Loading the airports…"
              : `${count.toLocaleString("en-US")} ${count === 1 ? "airport matches" : "airports match"}`}
          </p>
          {groups.map(({ group, title, items, any, hint }) => (
            <FilterGroup
              key={group}
              title={title}
              summary={summary(filters[group], labelOf(items), any)}
              hint={hint}
              items={items}
              enabled={filters[group]}
              onToggle={(name) => setFilters(toggle(filters, group, name))}
              onClear={() => setFilters(clear(filters, group))}
              clearLabel={`Clear (${any})`}
            />
          ))}
          {!isDefault && (
            <button type="button" className="link small reset-filters" onClick={() => setFilters(defaultFilters(known))}>
              Back to the usual filters (public airports)
            </button>
          )}
          <Disclosure
            title="List airports in view"
            open={listOpen}
            onToggle={(open) => {
              setListOpen(open);
              if (!open) setInView(null);
            }}
          >
            <AirportsInView airports={inView} typeLabels={typeLabels} onOpen={(code) => openAirport(code, { focus: true })} />
          </Disclosure>
        </aside>
        <div className="map-area">
          <AirportMap
            ref={mapRef}
            meta={meta}
            markers={markers}
            filters={filters}
            selected={selected}
            showCharts={showCharts}
            basemap={basemap}
            pitched={pitched}
            annotations={annotations}
            onDetailedView={setDetailed}
            onAirportClick={(code) => openAirport(code)}
            placing={adding ? placed : false}
            onPlace={setPlaced}
            bottomInset={bottomInset}
            onInView={listOpen ? setInView : undefined}
            onCentre={offlineOpen ? setCentre : undefined}
          />
          {centre && <div className="offline-cross" style={{ left: centre.x, top: centre.y }} aria-hidden="true" />}
          <div className="map-buttons">
            <button
              type="button"
              ref={filtersButton}
              className="only-phone"
              aria-expanded={filtersOpen}
              aria-controls="map-filters"
              onClick={() => toggleFilters(!filtersOpen)}
            >
              Filters{count !== null && ` (${count.toLocaleString("en-US")})`}
            </button>
            {meta.chart_layers.length > 0 && (
              <button
                type="button"
                aria-pressed={showCharts}
                onClick={() => setCharts(!showCharts)}
                title={showCharts ? "Hide the FAA charts" : "Show the FAA charts"}
              >
                {showCharts ? "Hide charts" : "Show charts"}
              </button>
            )}
            <button type="button" aria-pressed={pitched} onClick={() => setPitched(!pitched)}>
              {pitched ? "2D" : "3D"}
            </button>
            <button
              type="button"
              aria-label="Add an airport"
              title="Add an airport missing from the map"
              onClick={() => {
                returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
                focusDrawer.current = true;
                setParam("drawer", "new_airport");
              }}
            >
              +
            </button>
            {meta.chart_layers.length > 0 && (
              <button
                type="button"
                ref={offlineButton}
                aria-expanded={offlineOpen}
                aria-controls={offlineOpen ? OFFLINE_ID : undefined}
                title="Download the charts of this area for offline use"
                onClick={() => (offlineOpen ? closeOffline() : setOfflineOpen(true))}
                onKeyDown={(event) => {
                  if (event.key === "Escape" && offlineOpen) closeOffline();
                }}
              >
                <span aria-hidden="true">↓</span> Offline
              </button>
            )}
          </div>
          {offlineOpen && <OfflinePanel id={OFFLINE_ID} at={centre} onClose={closeOffline} />}
        </div>
        {drawerOpen && (
          <aside
            className="drawer"
            aria-label="Details"
            ref={drawerRef}
            tabIndex={-1}
            onKeyDown={(event) => {
              if (event.key === "Escape") closeDrawer();
            }}
          >
            <button type="button" className="drawer-close" aria-label="Close" onClick={closeDrawer}>
              ×
            </button>
            {drawer === "about" && <AboutDrawer />}
            {adding && (
              <NewAirportForm
                meta={meta}
                point={placed}
                onCreated={(code) => {
                  // The new meta names the map's new version, which the map then loads and draws.
                  setPlaced(null);
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
      </main>
    </div>
  );
}

/** What a group lets through, in words: "Airports, Heliports", "any type". */
function summary(enabled: string[], labels: Map<string, string>, any: string): string {
  if (enabled.length === 0) return any;
  if (enabled.length > 2) return `${enabled.length} ticked`;
  return enabled.map((name) => labels.get(name) ?? name).join(", ");
}

function Disclosure({
  title,
  detail,
  open,
  onToggle,
  children,
}: {
  title: string;
  detail?: string;
  open: boolean;
  onToggle: (open: boolean) => void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="disclosure">
      <button
        type="button"
        className="disclosure-button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => onToggle(!open)}
      >
        <span className="disclosure-arrow" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        <span className="disclosure-title">{title}</span>
        {detail && <span className="disclosure-detail">{detail}</span>}
      </button>
      <div id={id} className="disclosure-body" hidden={!open}>
        {children}
      </div>
    </div>
  );
}

function FilterGroup({
  title,
  summary: detail,
  hint,
  items,
  enabled,
  onToggle,
  onClear,
  clearLabel,
}: {
  title: string;
  summary: string;
  hint: string;
  items: Item[];
  enabled: string[];
  onToggle: (name: string) => void;
  onClear: () => void;
  clearLabel: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Disclosure title={title} detail={detail} open={open} onToggle={setOpen}>
      <fieldset className="filter-group">
        <legend className="map-visually-hidden">{title}</legend>
        <p className="small muted filter-hint">{hint}</p>
        {items.map((item) => (
          <label key={item.name} className="inline filter-item">
            <input type="checkbox" checked={enabled.includes(item.name)} onChange={() => onToggle(item.name)} />
            {item.colour && <span className="swatch" style={{ background: item.colour }} aria-hidden="true" />}
            {item.label}
          </label>
        ))}
        {enabled.length > 0 && (
          <button type="button" className="link small" onClick={onClear}>
            {clearLabel}
          </button>
        )}
      </fieldset>
    </Disclosure>
  );
}

function AirportsInView({
  airports,
  typeLabels,
  onOpen,
}: {
  airports: InView[] | null;
  typeLabels: Map<string, string>;
  onOpen: (code: string) => void;
}) {
  if (airports === null) return <p className="small muted">Looking at the map…</p>;
  if (airports.length === 0) {
    return <p className="small muted">No matching airport is drawn here. Move the map or change the filters.</p>;
  }
  const shown = airports.slice(0, LIST_LIMIT);
  return (
    <>
      <p className="small muted">
        {airports.length > shown.length
          ? `The ${shown.length} busiest of ${airports.length} airports drawn; zoom in for the others.`
          : `${airports.length} ${airports.length === 1 ? "airport" : "airports"} drawn, the busiest first.`}
      </p>
      <ul className="in-view">
        {shown.map((airport) => (
          <li key={airport.code}>
            <button type="button" className="in-view-item" onClick={() => onOpen(airport.code)}>
              <strong>{airport.code}</strong>{" "}
              <span className="muted">{singular(typeLabels.get(airport.facilityType) ?? airport.facilityType)}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

/** "Airports" → "Airport", "Seaplane Bases" → "Seaplane Base": the catalogue's labels are plural. */
function singular(label: string): string {
  return label.endsWith("s") ? label.slice(0, -1) : label;
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
