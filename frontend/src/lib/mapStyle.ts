/**
 * What both maps draw the same way: the page's light or dark look, the plain background, the
 * base style (a satellite or street style when the server names one) and the FAA chart layers
 * over it, read from their PMTiles archives by byte ranges. The map page adds the embedded base
 * map and the airports; the airport page, its runways and annotations.
 */
import { addProtocol, type Map as MapLibreMap, type RasterSourceSpecification, type StyleSpecification } from "maplibre-gl";
import { Protocol } from "pmtiles";
import type { Meta } from "../api/types";
import { covers } from "./bounds";

type ChartLayer = Meta["chart_layers"][number];

/** Local fonts: the style has no glyphs URL, so MapLibre draws text with the browser's fonts. */
export const TEXT_FONT = ["sans-serif"];
export const BACKGROUND = "background";

export function isDark(): boolean {
  return document.documentElement.dataset.theme === "dark";
}

/** Calls `apply` with the new look whenever the page's colour scheme changes; stops when called. */
export function onThemeChange(apply: (dark: boolean) => void): () => void {
  const observer = new MutationObserver(() => apply(isDark()));
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}

/** A plain background: the style without the base map (`?basemap=off`, the airport page). */
export function plainBackground(dark: boolean): string {
  return dark ? "#1d2430" : "#e9edf1";
}

export function plainStyle(dark: boolean): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: BACKGROUND, type: "background", paint: { "background-color": plainBackground(dark) } }],
  };
}

/** The satellite or street style the server names, else `fallback` (drawn by the SPA itself). */
export function baseStyle(meta: Meta, fallback: () => StyleSpecification): StyleSpecification | string {
  return meta.client.map_style_url ?? fallback();
}

/** Chart tiles are 256 px: MapLibre (512 px a tile) shows tile zoom z at its own zoom z - 1. */
export const CHART_TILE_SIZE = 256;
const TILE_ZOOM_OFFSET = Math.log2(512 / CHART_TILE_SIZE);

export function chartLayerId(layer: ChartLayer): string {
  return `chart-${layer.name}`;
}

let archivesReadable = false;

/** MapLibre reads `pmtiles://<archive URL>/{z}/{x}/{y}` through the pmtiles protocol (once). */
function readArchives(): void {
  if (archivesReadable) return;
  addProtocol("pmtiles", new Protocol().tile);
  archivesReadable = true;
}

/** The archive's tile template: its absolute URL (the map's worker has no page to resolve it by). */
export function chartTiles(archiveUrl: string): string {
  return `pmtiles://${new URL(archiveUrl, window.location.href).href}/{z}/{x}/{y}`;
}

function boundsOf(layer: ChartLayer): [number, number, number, number] | null {
  return layer.bounds && layer.bounds.length === 4 ? (layer.bounds as [number, number, number, number]) : null;
}

export function chartSource(layer: ChartLayer): RasterSourceSpecification {
  const bounds = boundsOf(layer);
  readArchives();
  return {
    type: "raster",
    tiles: [chartTiles(layer.archive_url)],
    tileSize: CHART_TILE_SIZE,
    minzoom: layer.min_zoom,
    maxzoom: layer.max_zoom,
    attribution: layer.attribution,
    ...(bounds ? { bounds } : {}),
  };
}

/**
 * Adds each chart layer once, over what the map has so far. Hidden ones are drawn transparent,
 * so that showing them again (`setChartsShown`) needs no new tiles.
 */
export function addChartLayers(map: MapLibreMap, layers: readonly ChartLayer[], shown = true): void {
  for (const layer of layers) {
    const id = chartLayerId(layer);
    if (map.getSource(id)) continue;
    map.addSource(id, chartSource(layer));
    map.addLayer({
      id,
      type: "raster",
      source: id,
      minzoom: layer.min_zoom,
      paint: { "raster-opacity": shown ? 1 : 0, "raster-fade-duration": 300 },
    });
  }
}

export function setChartsShown(map: MapLibreMap, layers: readonly ChartLayer[], shown: boolean): void {
  for (const layer of layers) {
    const id = chartLayerId(layer);
    if (map.getLayer(id)) map.setPaintProperty(id, "raster-opacity", shown ? 1 : 0);
  }
}

function layerCovers(layer: ChartLayer, longitude: number, latitude: number): boolean {
  const bounds = boundsOf(layer);
  return !bounds || covers(bounds, latitude, longitude);
}

/**
 * How close a map of this place may go: as far as a satellite or street style goes; over a
 * chart, no closer than the chart is drawn (beyond that MapLibre stretches its last tiles into a
 * smear); elsewhere `withoutCharts`.
 */
export function maxZoomOf(meta: Meta, longitude: number, latitude: number, withoutCharts: number): number {
  if (meta.client.map_style_url) return 18;
  const zooms = meta.chart_layers
    .filter((layer) => layerCovers(layer, longitude, latitude))
    .map((layer) => layer.max_zoom - TILE_ZOOM_OFFSET);
  return zooms.length > 0 ? Math.max(...zooms) : withoutCharts;
}
