/** The offline packs on the map: which charts' packs cover a place, and their files in words. */
import type { Schemas } from "../api/types";
import { covers } from "./bounds";

type Pack = Schemas["OfflinePack"];
type PackFile = Schemas["OfflineFile"];

// Sectionals first, then the closer terminal area charts; the files in the order a pilot wants them.
const LAYERS: Record<Pack["layer"], string> = {
  sectional: "Sectional chart",
  terminal: "Terminal area chart",
};
const FILES: Record<PackFile["format"], string> = {
  mbtiles: "Chart tiles (MBTiles, for EFBs and QGIS)",
  pmtiles: "Chart tiles (PMTiles)",
  gpkg: "Airports (GeoPackage)",
  diagrams: "Airport diagrams (PDF, zip)",
};
const LAYER_ORDER = Object.keys(LAYERS);
const FILE_ORDER = Object.keys(FILES);

/** The packs of the charts under a point: sectionals first, each layer by title. */
export function packsAt<T extends Pick<Pack, "bounds" | "layer" | "title">>(
  packs: readonly T[],
  latitude: number,
  longitude: number,
): T[] {
  return packs
    .filter((pack) => covers(pack.bounds, latitude, longitude))
    .sort(
      (a, b) =>
        LAYER_ORDER.indexOf(a.layer) - LAYER_ORDER.indexOf(b.layer) || a.title.localeCompare(b.title),
    );
}

/** "Sectional chart", "Terminal area chart". */
export function layerText(layer: Pack["layer"]): string {
  return LAYERS[layer] ?? layer;
}

/** "Dec 26, 2024": the day a charts cycle took effect (a date, whatever the browser's zone). */
export function cycleText(cycle: string): string {
  const day = new Date(`${cycle}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return cycle;
  return day.toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" });
}

/** "Chart tiles (MBTiles, for EFBs and QGIS)": what a file is, for whom. */
export function fileLabel(format: PackFile["format"]): string {
  return FILES[format] ?? format;
}

/** A pack's files in the order a pilot wants them: the tiles, the airports, the diagrams. */
export function orderedFiles<T extends Pick<PackFile, "format">>(files: readonly T[]): T[] {
  return [...files].sort((a, b) => FILE_ORDER.indexOf(a.format) - FILE_ORDER.indexOf(b.format));
}
