import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useId, useRef, useState } from "react";
import { api, call } from "../../api/client";
import { useMeta, type AirportDetail, type Meta, type Schemas } from "../../api/queries";
import { useAirportAction } from "./shared";

maplibregl.setWorkerUrl(workerUrl);

type Annotation = Schemas["Annotation"];

/** Tile templates must be absolute for the map's worker; `new URL` would escape the braces. */
function absolute(url: string): string {
  return url.startsWith("/") && !url.startsWith("//") ? `${window.location.origin}${url}` : url;
}

function style(meta: Meta): maplibregl.StyleSpecification | string {
  if (meta.client.map_style_url) return meta.client.map_style_url;
  const background = getComputedStyle(document.documentElement).getPropertyValue("--surface-2").trim() || "#eef1f5";
  return {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": background } }],
  };
}

function addCharts(map: maplibregl.Map, meta: Meta) {
  for (const layer of meta.chart_layers) {
    const id = `chart-${layer.name}`;
    if (map.getSource(id)) continue;
    map.addSource(id, {
      type: "raster",
      tiles: [absolute(layer.tile_url)],
      tileSize: 256,
      minzoom: layer.min_zoom,
      maxzoom: layer.max_zoom,
      attribution: layer.attribution,
      ...(layer.bounds && layer.bounds.length === 4 ? { bounds: layer.bounds as [number, number, number, number] } : {}),
    });
    map.addLayer({ id, type: "raster", source: id });
  }
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

  // Create the map once the catalogue is known.
  useEffect(() => {
    if (!container.current || !metaData) return;
    const box = airport.bounding_box;
    const map = new maplibregl.Map({
      container: container.current,
      style: style(metaData),
      center: [airport.longitude, airport.latitude],
      zoom: Math.min(airport.zoom_level, 17),
      attributionControl: { compact: true },
      cooperativeGestures: true,
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    if (box) {
      map.fitBounds(
        [
          [box.sw_longitude, box.sw_latitude],
          [box.ne_longitude, box.ne_latitude],
        ],
        { padding: 20, animate: false },
      );
    }
    map.on("load", () => {
      addCharts(map, metaData);
      setMapReady(map);
    });
    mapRef.current = map;
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, [metaData, airport.bounding_box, airport.latitude, airport.longitude, airport.zoom_level]);

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
