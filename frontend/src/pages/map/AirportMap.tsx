import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from "react";
import type { Meta } from "../../api/queries";
import { hiddenFilter, matchExpression, type Filters } from "../../lib/filters";
import { addMarkerImages } from "./markers";

maplibregl.setWorkerUrl(workerUrl);

export interface MapHandle {
  flyTo(latitude: number, longitude: number, zoom: number): void;
  fitBounds(west: number, south: number, east: number, north: number): void;
  center(): { latitude: number; longitude: number };
}

export interface Annotated {
  code: string;
  annotations: { latitude: number; longitude: number; label: string }[];
}

interface Props {
  meta: Meta;
  filters: Filters;
  selected: string | null;
  showCharts: boolean;
  pitched: boolean;
  /** Called with the codes of the airports drawn at high zoom (for their annotations). */
  onDetailedView: (codes: string[]) => void;
  annotations: Annotated[];
  onAirportClick: (code: string) => void;
  /** While set, a click on the map places the new airport instead of selecting one. */
  placing: { latitude: number; longitude: number } | null | false;
  onPlace: (point: { latitude: number; longitude: number }) => void;
  padRight: boolean;
}

const ANNOTATION_ZOOM = 12.5;
const VISIBLE = "airports-visible";
const HIDDEN = "airports-hidden";
// The selected airport, drawn above the others whether the filters match it or not.
const SELECTED = "airports-selected";

function selectedFilter(code: string | null): maplibregl.FilterSpecification {
  return ["==", ["get", "code"], code ?? ""];
}

function baseStyle(meta: Meta, dark: boolean): maplibregl.StyleSpecification | string {
  if (meta.client.map_style_url) return meta.client.map_style_url;
  return {
    version: 8,
    sources: {},
    layers: [
      { id: "background", type: "background", paint: { "background-color": dark ? "#1d2430" : "#e9edf1" } },
    ],
  };
}

function addLayers(map: maplibregl.Map, meta: Meta, props: Props) {
  for (const layer of meta.chart_layers) {
    const id = `chart-${layer.name}`;
    if (map.getSource(id)) continue;
    map.addSource(id, {
      type: "raster",
      tiles: [layer.tile_url.startsWith("/") ? window.location.origin + layer.tile_url : layer.tile_url],
      tileSize: 256,
      minzoom: layer.min_zoom,
      maxzoom: layer.max_zoom,
      attribution: layer.attribution,
      ...(layer.bounds ? { bounds: layer.bounds as [number, number, number, number] } : {}),
    });
    map.addLayer({
      id,
      type: "raster",
      source: id,
      minzoom: layer.min_zoom,
      paint: { "raster-opacity": props.showCharts ? 1 : 0, "raster-fade-duration": 300 },
    });
  }
  if (meta.airports_geojson_url && !map.getSource("airports")) {
    addMarkerImages(map);
    map.addSource("airports", {
      type: "geojson",
      data: window.location.origin + meta.airports_geojson_url,
    });
    map.addLayer({
      id: HIDDEN,
      type: "symbol",
      source: "airports",
      minzoom: 8,
      filter: hiddenFilter(props.filters),
      layout: { "icon-image": "marker-hidden", "icon-allow-overlap": true, "icon-size": 0.8 },
    });
    map.addLayer({
      id: VISIBLE,
      type: "symbol",
      source: "airports",
      filter: matchExpression(props.filters),
      layout: { "icon-image": "marker-visible", "icon-allow-overlap": true, "icon-size": 0.8 },
    });
    map.addLayer({
      id: SELECTED,
      type: "symbol",
      source: "airports",
      filter: selectedFilter(props.selected),
      layout: { "icon-image": "marker-selected", "icon-allow-overlap": true, "icon-size": 0.8 },
    });
  }
}

/** The MapLibre map: chart layers over a base map, and the airports as two symbol layers. */
export const AirportMap = forwardRef<MapHandle, Props>(function AirportMap(props, ref) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const latest = useRef(props);
  const [failure, setFailure] = useState<string | null>(null);
  // Set once the style and layers are in: the effects below then keep them in step.
  const [map, setMap] = useState<maplibregl.Map | null>(null);

  useEffect(() => {
    latest.current = props;
  });

  useImperativeHandle(ref, () => ({
    flyTo(latitude, longitude, zoom) {
      mapRef.current?.flyTo({
        center: [longitude, latitude],
        zoom,
        padding: latest.current.padRight ? { right: Math.min(420, window.innerWidth * 0.4), top: 0, bottom: 0, left: 0 } : undefined,
      });
    },
    fitBounds(west, south, east, north) {
      mapRef.current?.fitBounds([west, south, east, north], { padding: 150, maxZoom: 17 });
    },
    center() {
      const centre = mapRef.current?.getCenter();
      return { latitude: centre?.lat ?? 0, longitude: centre?.lng ?? 0 };
    },
  }));

  // Create the map once.
  useEffect(() => {
    if (!container.current) return;
    const { meta } = latest.current;
    const view = meta.client.initial_view;
    const dark = document.documentElement.dataset.theme === "dark";
    let created: maplibregl.Map;
    try {
      created = new maplibregl.Map({
        container: container.current,
        style: baseStyle(meta, dark),
        center: [view.longitude, view.latitude],
        zoom: view.zoom,
        maxZoom: 18,
        hash: true,
        attributionControl: { compact: true },
        fadeDuration: 300,
      });
    } catch {
      // Reported once, from the effect: the map needs WebGL.
      queueMicrotask(() =>
        setFailure("The map needs WebGL, which this browser does not offer. Try another browser."),
      );
      return;
    }
    const map = created;
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), "bottom-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "nautical" }), "bottom-left");
    map.on("load", () => {
      addLayers(map, meta, latest.current);
      setMap(map);
    });
    map.on("error", (event) => {
      // Parts of the map without a chart have no tile: nothing to report.
      if ("tile" in event || "sourceId" in event) return;
      console.warn("Map:", event.error?.message);
    });
    map.on("idle", () => {
      container.current?.setAttribute("data-idle", String(Boolean(map.getSource("airports")) && map.isSourceLoaded("airports")));
    });
    map.on("movestart", () => container.current?.setAttribute("data-idle", "false"));
    for (const layer of [VISIBLE, HIDDEN, SELECTED]) {
      map.on("click", layer, (event) => {
        if (latest.current.placing !== false) return;
        const code = event.features?.[0]?.properties?.code;
        if (typeof code === "string") latest.current.onAirportClick(code);
      });
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
    }
    map.on("click", (event) => {
      if (latest.current.placing === false) return;
      latest.current.onPlace({ latitude: event.lngLat.lat, longitude: event.lngLat.lng });
    });
    map.on("moveend", () => {
      if (map.getZoom() < ANNOTATION_ZOOM || !map.getLayer(VISIBLE)) {
        latest.current.onDetailedView([]);
        return;
      }
      const codes = map
        .queryRenderedFeatures({ layers: [VISIBLE] })
        .map((feature) => feature.properties?.code)
        .filter((code): code is string => typeof code === "string");
      latest.current.onDetailedView([...new Set(codes)].slice(0, 20));
    });
    return () => {
      map.remove();
      mapRef.current = null;
      setMap(null);
    };
  }, []);

  useEffect(() => {
    if (!map?.getLayer(VISIBLE)) return;
    map.setFilter(VISIBLE, matchExpression(props.filters));
    map.setFilter(HIDDEN, hiddenFilter(props.filters));
  }, [map, props.filters]);

  useEffect(() => {
    if (!map?.getLayer(VISIBLE)) return;
    map.setFilter(SELECTED, selectedFilter(props.selected));
  }, [map, props.selected]);

  useEffect(() => {
    if (!map) return;
    for (const layer of props.meta.chart_layers) {
      const id = `chart-${layer.name}`;
      if (map.getLayer(id)) map.setPaintProperty(id, "raster-opacity", props.showCharts ? 1 : 0);
    }
  }, [map, props.showCharts, props.meta.chart_layers]);

  useEffect(() => {
    if (!map) return;
    map.easeTo({ pitch: props.pitched ? 45 : 0 });
  }, [map, props.pitched]);

  // Annotations of the airports in view, as labelled markers (read-only here).
  useEffect(() => {
    if (!map) return;
    const markers = props.annotations.flatMap((airport) =>
      airport.annotations.map((note) => {
        const element = document.createElement("div");
        element.className = "annotation";
        element.textContent = note.label;
        element.title = `${airport.code}: ${note.label}`;
        return new maplibregl.Marker({ element }).setLngLat([note.longitude, note.latitude]).addTo(map);
      }),
    );
    return () => markers.forEach((marker) => marker.remove());
  }, [map, props.annotations]);

  // The new airport's position while adding one.
  useEffect(() => {
    if (!map || !props.placing) return;
    const marker = new maplibregl.Marker({ color: "#e5533d" })
      .setLngLat([props.placing.longitude, props.placing.latitude])
      .addTo(map);
    return () => {
      marker.remove();
    };
  }, [map, props.placing]);

  useEffect(() => {
    if (!map) return;
    map.getCanvas().style.cursor = props.placing !== false ? "crosshair" : "";
  }, [map, props.placing]);

  return (
    <>
      <div ref={container} className="map" data-testid="map" data-idle="false" />
      {failure && <div className="notice danger map-failure">{failure}</div>}
    </>
  );
});
