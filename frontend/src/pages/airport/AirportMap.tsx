import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useId, useRef, useState } from "react";
import { useEditAirport } from "../../api/airports";
import { errorText } from "../../api/errors";
import { useMeta } from "../../api/meta";
import type { AirportDetail, Schemas } from "../../api/types";
import {
  addChartLayers,
  BACKGROUND,
  baseStyle,
  isDark,
  maxZoomOf,
  onThemeChange,
  plainBackground,
  plainStyle,
  TEXT_FONT,
} from "../../lib/mapStyle";
import { byLength, runwayEndPoints, runwayLines } from "../../lib/runways";

maplibregl.setWorkerUrl(workerUrl);

type Annotation = Schemas["Annotation"];

// Where no chart is drawn, the runways alone are: close enough to read their layout.
const ZOOM_WITHOUT_CHARTS = 15;

const RUNWAY_COLOURS = {
  light: { runway: "#2b2f36", label: "#1b2330", halo: "#ffffff", point: "#d84315" },
  dark: { runway: "#d5dbe4", label: "#e6eaf0", halo: "#11151b", point: "#ff7043" },
};

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
  const edit = useEditAirport(airport.code);
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
    const maxZoom = maxZoomOf(metaData, longitude, latitude, ZOOM_WITHOUT_CHARTS);
    const map = new maplibregl.Map({
      container: element,
      // At an airport's scale the base map's coastlines are too coarse to help: the chart and
      // runways do, over a plain background.
      style: baseStyle(metaData, () => plainStyle(isDark())),
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
      addChartLayers(map, metaData.chart_layers);
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
    return onThemeChange((dark) => {
      if (metaData && !metaData.client.map_style_url) mapReady.setPaintProperty(BACKGROUND, "background-color", plainBackground(dark));
      setRunwayTheme(mapReady, dark);
    });
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

  function save() {
    const value = draft
      .map((annotation, index) => ({ ...annotation, label: annotation.label.trim() || `Marker ${index + 1}` }))
      .slice(0, 100);
    edit.mutate(
      { annotations: { value, base: airport.field_versions.annotations ?? "" } },
      { onSuccess: () => setEditing(false) },
    );
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
            <button type="button" className="primary" disabled={edit.isPending} onClick={save}>
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
      {edit.isError && (
        <p className="error small" role="alert">
          {errorText(edit.error)}
        </p>
      )}
    </section>
  );
}
