import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from "react";
import type { Annotated } from "../../api/airports";
import type { Meta } from "../../api/types";
import { hiddenFilter, matchExpression, type Filters } from "../../lib/filters";
import {
  addChartLayers,
  BACKGROUND,
  baseStyle,
  isDark,
  onThemeChange,
  plainBackground,
  plainStyle,
  setChartsShown,
  TEXT_FONT,
} from "../../lib/mapStyle";
import { BasemapLoader, basemapStyle, setBasemapTheme } from "./basemap";
import { addMarkerImages, iconImage, type MarkerType } from "./markers";

maplibregl.setWorkerUrl(workerUrl);

export interface MapHandle {
  flyTo(latitude: number, longitude: number, zoom: number): void;
  fitBounds(west: number, south: number, east: number, north: number): void;
  center(): { latitude: number; longitude: number };
}

/** The map's centre, and where it is drawn (pixels from the map's top left). */
export interface Centre {
  latitude: number;
  longitude: number;
  x: number;
  y: number;
}

/** An airport drawn as matching the filters in the current view. */
export interface InView {
  code: string;
  facilityType: string;
  importance: number;
}

interface Props {
  meta: Meta;
  /** Where the airports are drawn from: the vector tiles, the whole GeoJSON, or nowhere. */
  markers: "tiles" | "geojson" | "off";
  filters: Filters;
  selected: string | null;
  showCharts: boolean;
  /** The embedded base map, or a plain background (`?basemap=off`). */
  basemap: boolean;
  pitched: boolean;
  /** Called with the codes of the airports drawn at high zoom (for their annotations). */
  onDetailedView: (codes: string[]) => void;
  annotations: Annotated[];
  onAirportClick: (code: string) => void;
  /** While set, a click on the map places the new airport instead of selecting one. */
  placing: { latitude: number; longitude: number } | null | false;
  onPlace: (point: { latitude: number; longitude: number }) => void;
  /** Pixels at the bottom of the map covered by the details sheet (a phone's), or 0. */
  bottomInset: () => number;
  /** While set, called with the matching airports drawn whenever the map settles. */
  onInView?: (airports: InView[]) => void;
  /** While set, called with the map's centre at once and whenever the map settles or resizes. */
  onCentre?: (centre: Centre) => void;
}

const ANNOTATION_ZOOM = 12.5;
// Below this zoom markers give way to more important ones where they would overlap.
const ALL_AIRPORTS_ZOOM = 7;
const FADED_ZOOM = 8;
const LABEL_ZOOM = 9;
const MATCH = "airports-match";
const FADED = "airports-faded";
// The selected airport, drawn above the others whether the filters match it or not.
const SELECTED = "airports-selected";
const IMPORTANCE: maplibregl.ExpressionSpecification = ["number", ["get", "importance"], 0];
// The airports' tiles stop here; MapLibre draws closer views from them.
const TILES_MAX_ZOOM = 12;
const NO_DATA: maplibregl.GeoJSONSourceSpecification["data"] = { type: "FeatureCollection", features: [] };

const TEXT = {
  light: { color: "#1b2330", halo: "#ffffff" },
  dark: { color: "#e6eaf0", halo: "#11151b" },
};

function selectedFilter(code: string | null): maplibregl.FilterSpecification {
  return ["==", ["get", "code"], code ?? ""];
}

/** Codes from LABEL_ZOOM, but not the selected airport's: its own layer labels it. */
function matchLabel(selected: string | null): maplibregl.ExpressionSpecification {
  return [
    "step", ["zoom"], "", LABEL_ZOOM,
    ["case", ["==", ["get", "code"], selected ?? ""], "", ["get", "code"]],
  ];
}

function markerTypes(meta: Meta): MarkerType[] {
  return meta.facility_types.map((kind) => ({ name: kind.name, colour: kind.colour }));
}

function initialStyle(meta: Meta, basemap: boolean, dark: boolean): maplibregl.StyleSpecification | string {
  return baseStyle(meta, () => (basemap ? basemapStyle(dark) : plainStyle(dark)));
}

function addLayers(map: maplibregl.Map, props: Props) {
  const { meta } = props;
  addChartLayers(map, meta.chart_layers, props.showCharts);
  if (map.getSource("airports") || props.markers === "off") return;
  const types = markerTypes(meta);
  const text = TEXT[isDark() ? "dark" : "light"];
  addMarkerImages(map, types);
  const tiles = props.markers === "tiles";
  map.addSource("airports", airportSource(meta, tiles ? "tiles" : "geojson"));
  // The tiles' one layer; a GeoJSON source has none.
  const from = tiles ? { source: "airports", "source-layer": "airports" } : { source: "airports" };
  map.addLayer({
    id: FADED,
    type: "symbol",
    ...from,
    minzoom: FADED_ZOOM,
    filter: hiddenFilter(props.filters, tiles),
    layout: {
      "icon-image": iconImage("faded", types),
      "icon-allow-overlap": true,
      // Never in the way of an airport that matches.
      "icon-ignore-placement": true,
    },
  });
  map.addLayer({
    id: MATCH,
    type: "symbol",
    ...from,
    filter: matchExpression(props.filters, tiles),
    layout: {
      "icon-image": iconImage("match", types),
      // Bigger for busier airports (importance 0–5), and a little bigger from close up.
      "icon-size": [
        "interpolate", ["linear"], ["zoom"],
        3, ["+", 0.55, ["*", 0.07, IMPORTANCE]],
        9, ["+", 0.8, ["*", 0.05, IMPORTANCE]],
      ],
      "icon-allow-overlap": ["step", ["zoom"], false, ALL_AIRPORTS_ZOOM, true],
      "icon-padding": ["interpolate", ["linear"], ["zoom"], 3, 4, ALL_AIRPORTS_ZOOM, 0],
      // Where markers would overlap, the more important airport is placed first.
      "symbol-sort-key": ["*", -1, IMPORTANCE],
      "text-field": matchLabel(props.selected),
      "text-font": TEXT_FONT,
      "text-size": 11,
      "text-anchor": "top",
      "text-offset": [0, 0.75],
      "text-padding": 2,
      "text-optional": true,
    },
    paint: { "text-color": text.color, "text-halo-color": text.halo, "text-halo-width": 1.5 },
  });
  map.addLayer({
    id: SELECTED,
    type: "symbol",
    ...from,
    filter: selectedFilter(props.selected),
    layout: {
      "icon-image": iconImage("selected", types),
      "icon-allow-overlap": true,
      "icon-ignore-placement": true,
      "text-field": ["get", "code"],
      "text-font": TEXT_FONT,
      "text-size": 12.5,
      "text-anchor": "top",
      "text-offset": [0, 1.1],
      "text-allow-overlap": true,
      "text-ignore-placement": true,
    },
    paint: { "text-color": text.color, "text-halo-color": text.halo, "text-halo-width": 2 },
  });
}

/** Where the versioned URLs of `/api/v1/meta` point (absolute: MapLibre fetches tiles in a worker). */
function absolute(url: string): string {
  return `${window.location.origin}${url}`;
}

function airportSource(meta: Meta, markers: "tiles" | "geojson"): maplibregl.SourceSpecification {
  if (markers === "geojson") {
    const url = meta.airports_geojson_url;
    return { type: "geojson", data: url ? absolute(url) : NO_DATA };
  }
  const url = meta.airport_tiles_url;
  return { type: "vector", tiles: url ? [absolute(url)] : [], minzoom: 0, maxzoom: TILES_MAX_ZOOM };
}

/** The MapLibre map: a base map, the chart layers over it, and the airports over both. */
export const AirportMap = forwardRef<MapHandle, Props>(function AirportMap(props, ref) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const latest = useRef(props);
  const [failure, setFailure] = useState<string | null>(null);
  // Set once the style and layers are in: the effects below then keep them in step.
  const [map, setMap] = useState<maplibregl.Map | null>(null);
  const [dark, setDark] = useState(isDark);

  useEffect(() => {
    latest.current = props;
  });

  useImperativeHandle(ref, () => ({
    flyTo(latitude, longitude, zoom) {
      // The details sit beside the map on a desktop, over its lower part on a phone.
      mapRef.current?.flyTo({
        center: [longitude, latitude],
        zoom,
        padding: { top: 0, right: 0, left: 0, bottom: latest.current.bottomInset() },
      });
    },
    fitBounds(west, south, east, north) {
      const bottom = latest.current.bottomInset();
      mapRef.current?.fitBounds([west, south, east, north], {
        padding: { top: 60, right: 60, left: 60, bottom: bottom + 60 },
        maxZoom: 17,
      });
    },
    center() {
      const centre = mapRef.current?.getCenter();
      return { latitude: centre?.lat ?? 0, longitude: centre?.lng ?? 0 };
    },
  }));

  // The page's colour scheme can change while the map is open.
  useEffect(() => onThemeChange(setDark), []);

  // Create the map once.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const { meta, basemap } = latest.current;
    const view = meta.client.initial_view;
    const embedded = !meta.client.map_style_url && basemap;
    let created: maplibregl.Map;
    try {
      created = new maplibregl.Map({
        container: element,
        style: initialStyle(meta, basemap, isDark()),
        center: [view.longitude, view.latitude],
        zoom: view.zoom,
        maxZoom: 18,
        hash: true,
        attributionControl: { compact: true },
        // Markers and labels appear at once: fading them in redraws the whole map (the base map
        // too) for a few hundred ms after each placement, which cost a slow device a second on
        // the first render.
        fadeDuration: 0,
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
    const loader = embedded ? new BasemapLoader(map) : null;
    element.dataset.basemap = meta.client.map_style_url ? "style" : embedded ? "loading" : "off";
    map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), "bottom-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "nautical" }), "bottom-left");
    const scale = element.querySelector(".maplibregl-ctrl-scale");
    scale?.setAttribute("title", "Scale in nautical miles");
    scale?.setAttribute("aria-label", "Scale in nautical miles");
    // As soon as the style is in, not on "load": that waits for the base map's first tiles, and
    // the airports would wait behind them.
    map.once("style.load", () => {
      addLayers(map, latest.current);
      setMap(map);
    });
    map.on("error", (event) => {
      // Parts of the map without a chart have no tile: nothing to report.
      if ("tile" in event || "sourceId" in event) return;
      console.warn("Map:", event.error?.message);
    });
    map.once("idle", () => {
      // On a phone the attribution starts folded, off the scale bar; its (i) button unfolds it.
      if (element.clientWidth <= 640) element.querySelector(".maplibregl-compact-show")?.classList.remove("maplibregl-compact-show");
    });
    let updating = false;
    map.on("idle", () => {
      if (loader) {
        // The finer regions and the labels wait for the first picture, then follow the view;
        // taking them in when the browser is idle leaves that picture answering at once.
        const wanted = loader.wanted();
        element.dataset.basemap = wanted || !loader.settled ? "loading" : loader.drawn;
        if (wanted && !updating) {
          updating = true;
          whenIdle(() => {
            updating = false;
            loader.update(isDark());
            map.triggerRepaint();
          });
        }
      }
      const drawn =
        latest.current.markers === "off" || (Boolean(map.getSource("airports")) && map.isSourceLoaded("airports"));
      element.dataset.idle = String(drawn);
      const onInView = latest.current.onInView;
      if (drawn && onInView && map.getLayer(MATCH)) onInView(renderedAirports(map));
    });
    map.on("movestart", () => {
      element.dataset.idle = "false";
    });
    for (const layer of [MATCH, FADED, SELECTED]) {
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
      if (map.getZoom() < ANNOTATION_ZOOM || !map.getLayer(MATCH)) {
        latest.current.onDetailedView([]);
        return;
      }
      const codes = renderedAirports(map).map((airport) => airport.code);
      latest.current.onDetailedView(codes.slice(0, 20));
    });
    return () => {
      map.remove();
      mapRef.current = null;
      setMap(null);
    };
  }, []);

  const following = props.onCentre !== undefined;
  useEffect(() => {
    if (!map || !following) return;
    const report = () => {
      const centre = map.getCenter();
      const drawn = map.project(centre);
      latest.current.onCentre?.({ latitude: centre.lat, longitude: centre.lng, x: drawn.x, y: drawn.y });
    };
    report();
    map.on("moveend", report);
    map.on("resize", report);
    return () => {
      map.off("moveend", report);
      map.off("resize", report);
    };
  }, [map, following]);

  // Whatever changes the airports drawn: data-idle waits for the next picture, which a repaint
  // makes sure comes (MapLibre only tells it is idle after drawing).
  const redrawing = (map: maplibregl.Map) => {
    container.current?.setAttribute("data-idle", "false");
    map.triggerRepaint();
  };

  // A change of the map's data gives new URLs (a writer's meta shows its change at once).
  const { airport_tiles_url: tilesUrl, airports_geojson_url: geojsonUrl } = props.meta;
  useEffect(() => {
    const source = map?.getSource("airports");
    if (!map || !source) return;
    if (source instanceof maplibregl.VectorTileSource && tilesUrl) {
      const wanted = absolute(tilesUrl);
      if (source.tiles?.[0] !== wanted) {
        source.setTiles([wanted]);
        redrawing(map);
      }
    } else if (source instanceof maplibregl.GeoJSONSource && geojsonUrl) {
      void source.setData(absolute(geojsonUrl)).then(() => redrawing(map));
      redrawing(map);
    }
  }, [map, tilesUrl, geojsonUrl]);

  const filterKey = JSON.stringify(props.filters);
  const tagsAsText = props.markers === "tiles";
  useEffect(() => {
    if (!map?.getLayer(MATCH)) return;
    const filters = JSON.parse(filterKey) as Filters;
    map.setFilter(MATCH, matchExpression(filters, tagsAsText));
    map.setFilter(FADED, hiddenFilter(filters, tagsAsText));
    redrawing(map);
  }, [map, filterKey, tagsAsText]);

  useEffect(() => {
    if (!map?.getLayer(SELECTED)) return;
    map.setFilter(SELECTED, selectedFilter(props.selected));
    map.setLayoutProperty(MATCH, "text-field", matchLabel(props.selected));
  }, [map, props.selected]);

  useEffect(() => {
    if (map) setChartsShown(map, props.meta.chart_layers, props.showCharts);
  }, [map, props.showCharts, props.meta.chart_layers]);

  useEffect(() => {
    if (!map) return;
    if (!props.meta.client.map_style_url) {
      if (props.basemap) setBasemapTheme(map, dark);
      else map.setPaintProperty(BACKGROUND, "background-color", plainBackground(dark));
    }
    const text = TEXT[dark ? "dark" : "light"];
    for (const layer of [MATCH, SELECTED]) {
      if (!map.getLayer(layer)) continue;
      map.setPaintProperty(layer, "text-color", text.color);
      map.setPaintProperty(layer, "text-halo-color", text.halo);
    }
  }, [map, dark, props.basemap, props.meta.client.map_style_url]);

  // The list of airports in view wants the current ones as soon as it opens.
  const listening = Boolean(props.onInView);
  useEffect(() => {
    if (!map || !listening || !map.getLayer(MATCH)) return;
    latest.current.onInView?.(renderedAirports(map));
  }, [map, listening]);

  useEffect(() => {
    // Only a change: an ease to the same pitch would stop a flight to an airport under way.
    const pitch = props.pitched ? 45 : 0;
    if (map && map.getPitch() !== pitch) map.easeTo({ pitch });
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

function whenIdle(callback: () => void): void {
  if ("requestIdleCallback" in window) window.requestIdleCallback(callback, { timeout: 1000 });
  else setTimeout(callback, 200);
}

/** The matching airports drawn in the view, each once, the most important first. */
function renderedAirports(map: maplibregl.Map): InView[] {
  const seen = new Map<string, InView>();
  for (const feature of map.queryRenderedFeatures({ layers: [MATCH] })) {
    const { code, facility_type: facilityType, importance } = feature.properties ?? {};
    if (typeof code !== "string" || seen.has(code)) continue;
    seen.set(code, {
      code,
      facilityType: typeof facilityType === "string" ? facilityType : "",
      importance: typeof importance === "number" ? importance : 0,
    });
  }
  return [...seen.values()].sort((a, b) => b.importance - a.importance || a.code.localeCompare(b.code));
}
