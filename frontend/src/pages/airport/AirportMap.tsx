import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useId, useRef, useState } from "react";
import { api, call } from "../../api/client";
import { useMeta, type AirportDetail, type Meta, type Schemas } from "../../api/queries";
import { byLength, runwayEndPoints, runwayLines } from "../../lib/runways";
import { BACKGROUND, plainBackground, plainStyle, TEXT_FONT } from "../map/basemap";
import { useAirportAction } from "./shared";

maplibregl.setWorkerUrl(workerUrl);

type Annotation = Schemas["Annotation"];

// Where no chart is drawn, the runways alone are: close enough to read their layout.
const ZOOM_WITHOUT_CHARTS = 15;

const RUNWAY_COLOURS = {
  light: { runway: "#2b2f36", label: "#1b2330", halo: "#ffffff", point: "#d84315" },
  dark: { runway: "#d5dbe4", label: "#e6eaf0", halo: "#11151b", point: "#ff7043" },
};

function isDark(): boolean {
  return document.documentElement.dataset.theme === "dark";
}

/** Tile templates must be absolute for the map's worker; `new URL` would escape the braces. */
function absolute(url: string): string {
  return url.startsWith("/") && !url.startsWith("//") ? `${window.location.origin}${url}` : url;
}

// Chart tiles are 256 px: MapLibre (512 px a tile) shows tile zoom z at its own zoom z - 1.
const TILE_SIZE = 256;
const TILE_ZOOM_OFFSET = Math.log2(512 / TILE_SIZE);

function covers(bounds: number[] | null | undefined, longitude: number, latitude: number): boolean {
  if (!bounds || bounds.length !== 4) return true;
  const [west, south, east, north] = bounds as [number, number, number, number];
  return latitude >= south && latitude <= north && (west <= east ? longitude >= west && longitude <= east : longitude >= west || longitude <= east);
}

/**
 * How close the map may go: as far as a satellite or street style goes; over a chart, no closer
 * than the chart is drawn (beyond that MapLibre stretches its last tiles into a smear); elsewhere
 * as close as the runways drawn need.
 */
export function maxZoomOf(meta: Meta, longitude: number, latitude: number): number {
  if (meta.client.map_style_url) return 18;
  const zooms = meta.chart_layers
    .filter((layer) => covers(layer.bounds, longitude, latitude))
    .map((layer) => layer.max_zoom - TILE_ZOOM_OFFSET);
  return zooms.length > 0 ? Math.max(...zooms) : ZOOM_WITHOUT_CHARTS;
}

/**
 * The satellite or street style when there is one, else the map page's plain background: at an
 * airport's scale the base map's coastlines are too coarse to help, the chart and runways do.
 */
function style(meta: Meta): maplibregl.StyleSpecification | string {
  return meta.client.map_style_url ?? plainStyle(isDark());
}

function addCharts(map: maplibregl.Map, meta: Meta) {
  for (const layer of meta.chart_layers) {
    const id = `chart-${layer.name}`;
    if (map.getSource(id)) continue;
    map.addSource(id, {
      type: "raster",
      tiles: [absolute(layer.tile_url)],
      tileSize: TILE_SIZE,
      minzoom: layer.min_zoom,
      maxzoom: layer.max_zoom,
      attribution: layer.attribution,
      ...(layer.bounds && layer.bounds.length === 4 ? { bounds: layer.bounds as [number, number, number, number] } : {}),
    });
    map.addLayer({ id, type: "raster", source: id });
  }
}

/**
 * The runways between their ends' positions, each end labelled with its number; where no end
 * is placed, a dot at the airport's reference point, so that the airport is never missing.
 */
function addRunways(map: maplibregl.Map, airport: AirportDetail): number {
  const colours = RUNWAY_COLOURS[isDark() ? "dark" : "light"];
  const lines = runwayLines(byLength(airport.runways));
  map.addSource("runways", { type: "geojson", data: lines });
  map.addSource("runway-ends", { type: "geojson", data: runwayEndPoints(airport.runways) });
  map.addLayer({
    id: "runways",
    type: "line",
    source: "runways",
    layout: { "line-cap": "butt" },
    paint: {
      "line-color": colours.runway,
      // About the runway's real width from close up, never thinner than a bold line.
      "line-width": ["interpolate", ["exponential", 2], ["zoom"], 9, 2, 13, 5, 16, ["max", 8, ["/", ["get", "width_ft"], 5]]],
    },
  });
  map.addLayer({
    id: "runway-ends",
    type: "symbol",
    source: "runway-ends",
    minzoom: 11,
    layout: { "text-field": ["get", "end_id"], "text-font": TEXT_FONT, "text-size": 12, "text-allow-overlap": true },
    paint: { "text-color": colours.label, "text-halo-color": colours.halo, "text-halo-width": 2 },
  });
  if (lines.features.length === 0) {
    map.addSource("airport-point", {
      type: "geojson",
      data: { type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [airport.longitude, airport.latitude] } },
    });
    map.addLayer({
      id: "airport-point",
      type: "circle",
      source: "airport-point",
      // A ring: the chart's own airport symbol stays visible inside it.
      paint: { "circle-radius": 9, "circle-opacity": 0, "circle-stroke-color": colours.point, "circle-stroke-width": 3 },
    });
  }
  return lines.features.length;
}

function setRunwayTheme(map: maplibregl.Map, dark: boolean) {
  const colours = RUNWAY_COLOURS[dark ? "dark" : "light"];
  if (map.getLayer("runways")) map.setPaintProperty("runways", "line-color", colours.runway);
  if (map.getLayer("runway-ends")) {
    map.setPaintProperty("runway-ends", "text-color", colours.label);
    map.setPaintProperty("runway-ends", "text-halo-color", colours.halo);
  }
  if (map.getLayer("airport-point")) map.setPaintProperty("airport-point", "circle-stroke-color", colours.point);
}

function markerElement(label: string, index: number, editing: boolean): HTMLElement {
  const element = document.createElement("div");
  element.className = `annotation-marker ${editing ? "editing" : ""}`;
  element.textContent = label || `Marker ${index + 1}`;
  return element;
}

/** The airport on the chart, fitted to its bounding box, with its annotations (editable). */
export default function AirportMap({ airport, editable = true }: { airport: AirportDetail; editable?: boolean }) {
  const meta = useMeta();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [mapReady, setMapReady] = useState<maplibregl.Map | null>(null);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Annotation[]>([]);
  const { run, busy, error } = useAirportAction();
  const id = useId();
  const shown = editing ? draft : airport.annotations;
  const metaData = meta.data;

  // Create the map once the catalogue is known: on the airport's box, no closer than its layers go.
  const { bounding_box: box, latitude, longitude, zoom_level: zoomLevel } = airport;
  const latest = useRef(airport);
  useEffect(() => {
    latest.current = airport;
  });
  useEffect(() => {
    const element = container.current;
    if (!element || !metaData) return;
    const maxZoom = maxZoomOf(metaData, longitude, latitude);
    const map = new maplibregl.Map({
      container: element,
      style: style(metaData),
      center: [longitude, latitude],
      zoom: Math.min(zoomLevel, maxZoom),
      maxZoom,
      attributionControl: { compact: true },
      cooperativeGestures: true,
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "nautical" }), "bottom-left");
    if (box) {
      map.fitBounds(
        [
          [box.sw_longitude, box.sw_latitude],
          [box.ne_longitude, box.ne_latitude],
        ],
        { padding: 24, animate: false, maxZoom },
      );
    }
    const showZoom = () => {
      element.dataset.zoom = map.getZoom().toFixed(2);
    };
    showZoom();
    map.on("moveend", showZoom);
    map.on("load", () => {
      addCharts(map, metaData);
      // How many runways are drawn, for the tests and anyone inspecting the page.
      element.dataset.runways = String(addRunways(map, latest.current));
      setMapReady(map);
    });
    map.on("idle", () => {
      element.dataset.idle = "true";
    });
    map.on("movestart", () => {
      element.dataset.idle = "false";
    });
    mapRef.current = map;
    return () => {
      map.remove();
      mapRef.current = null;
      setMapReady(null);
    };
  }, [metaData, box, latitude, longitude, zoomLevel]);

  // The page's colour scheme can change while the map is open.
  useEffect(() => {
    if (!mapReady) return;
    const apply = () => {
      const dark = isDark();
      if (metaData && !metaData.client.map_style_url) mapReady.setPaintProperty(BACKGROUND, "background-color", plainBackground(dark));
      setRunwayTheme(mapReady, dark);
    };
    const observer = new MutationObserver(apply);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
  }, [mapReady, metaData]);

  // The runways change when the airport does (another cycle, an edit by an administrator).
  useEffect(() => {
    if (!mapReady) return;
    mapReady.getSource<maplibregl.GeoJSONSource>("runways")?.setData(runwayLines(airport.runways));
    mapReady.getSource<maplibregl.GeoJSONSource>("runway-ends")?.setData(runwayEndPoints(airport.runways));
  }, [mapReady, airport.runways]);

  // Markers for the annotations shown.
  useEffect(() => {
    if (!mapReady) return;
    const markers = shown.map((annotation, index) =>
      new maplibregl.Marker({ element: markerElement(annotation.label, index, editing) })
        .setLngLat([annotation.longitude, annotation.latitude])
        .addTo(mapReady),
    );
    return () => markers.forEach((marker) => marker.remove());
  }, [mapReady, shown, editing]);

  // Clicking the map while editing adds a marker.
  useEffect(() => {
    if (!mapReady || !editing) return;
    const onClick = (event: maplibregl.MapMouseEvent) => {
      const { lat, lng } = event.lngLat;
      setDraft((list) => [...list, { label: "", latitude: Number(lat.toFixed(6)), longitude: Number(lng.toFixed(6)) }]);
    };
    mapReady.on("click", onClick);
    mapReady.getCanvas().style.cursor = "crosshair";
    return () => {
      mapReady.off("click", onClick);
      mapReady.getCanvas().style.cursor = "";
    };
  }, [mapReady, editing]);

  async function save() {
    const value = draft
      .map((annotation, index) => ({ ...annotation, label: annotation.label.trim() || `Marker ${index + 1}` }))
      .slice(0, 100);
    const result = await run(() =>
      call(
        api.PATCH("/api/v1/airports/{code}", {
          params: { path: { code: airport.code } },
          body: { annotations: { value, base: airport.field_versions.annotations ?? "" } },
        }),
      ),
    );
    if (result.ok) setEditing(false);
  }

  return (
    <section className="card airport-map-card" aria-labelledby={`${id}-title`}>
      <div className="row">
        <h2 id={`${id}-title`}>Airport Map</h2>
        <span className="spacer" />
        {editable && (
          <label className="inline switch">
            <input
              type="checkbox"
              role="switch"
              checked={editing}
              onChange={(event) => {
                if (event.target.checked) setDraft(airport.annotations.map((annotation) => ({ ...annotation })));
                setEditing(event.target.checked);
              }}
            />
            Edit annotations
          </label>
        )}
      </div>
      <div ref={container} className="airport-map" role="region" aria-label={`Map of ${airport.code}`} />
      {editing && (
        <div className="annotation-editor">
          <p className="small muted">Click the map to add a marker, then give it a label (for example “Fuel” or “Tie-downs”).</p>
          {draft.length === 0 && <p className="small muted">No markers yet.</p>}
          <ol className="annotation-list">
            {draft.map((annotation, index) => (
              <li key={`${annotation.latitude},${annotation.longitude},${index}`} className="row">
                <label htmlFor={`${id}-label-${index}`} className="visually-hidden">
                  Label of marker {index + 1}
                </label>
                <input
                  id={`${id}-label-${index}`}
                  value={annotation.label}
                  maxLength={100}
                  placeholder={`Marker ${index + 1}`}
                  autoFocus={index === draft.length - 1 && !annotation.label}
                  onChange={(event) =>
                    setDraft((list) => list.map((item, at) => (at === index ? { ...item, label: event.target.value } : item)))
                  }
                />
                <button
                  type="button"
                  className="link danger small"
                  aria-label={`Remove marker ${index + 1}`}
                  onClick={() => setDraft((list) => list.filter((_, at) => at !== index))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ol>
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
              Save annotations
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {!editing && airport.annotations.length > 0 && (
        <ul className="small annotation-legend">
          {airport.annotations.map((annotation, index) => (
            <li key={index}>{annotation.label}</li>
          ))}
        </ul>
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
