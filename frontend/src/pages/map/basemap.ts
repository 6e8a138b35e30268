/**
 * The embedded base map's layers: Natural Earth land, water, coastlines, lakes and borders from
 * the GeoJSON files the build emits (plugins/basemap.ts), in the page's light or dark colours,
 * under the charts. The coarse world is in the first render; each finer region is fetched (by
 * MapLibre's worker, from a hashed file the browser caches for a year) once the view reaches it.
 */
import type {
  DataDrivenPropertyValueSpecification,
  LayerSpecification,
  Map as MapLibreMap,
  MapSourceDataEvent,
  StyleSpecification,
} from "maplibre-gl";
import { tiers, type BasemapTier } from "virtual:basemap";
import { BACKGROUND, plainStyle, TEXT_FONT } from "../../lib/mapStyle";

export interface BasemapColours {
  water: string;
  land: string;
  coast: string;
  country: string;
  state: string;
  label: string;
  halo: string;
}

export const BASEMAP_COLOURS: Record<"light" | "dark", BasemapColours> = {
  light: {
    water: "#b4d0e6",
    land: "#f1eee6",
    coast: "#7f9db6",
    country: "#7b6f8c",
    state: "#a79cb4",
    label: "#6b6478",
    halo: "#f1eee6",
  },
  dark: {
    water: "#10263b",
    land: "#262d36",
    coast: "#3f6888",
    country: "#a5adbf",
    state: "#6a7384",
    label: "#9aa4b5",
    halo: "#262d36",
  },
};

const LABELS = "basemap-labels";
// Natural Earth's 1:50m data has nothing to add past this zoom: MapLibre scales its tiles up.
// Its lines are thin and it has no symbols but the labels: a narrow buffer around each tile
// and a coarser simplification leave less to cut and draw.
const SOURCE = { maxzoom: 9, buffer: 16, tolerance: 0.6 } as const;

const sourceId = (tier: BasemapTier) => `basemap-${tier.name}`;

type ColourProperty = "background-color" | "fill-color" | "line-color" | "text-color" | "text-halo-color";
type Paint = [layer: string, property: ColourProperty, value: DataDrivenPropertyValueSpecification<string>];

/** Which paint property of which layer takes which colour: the one list both themes follow. */
function paints(colours: BasemapColours): Paint[] {
  const painted: Paint[] = [[BACKGROUND, "background-color", colours.water]];
  for (const tier of tiers) {
    const id = sourceId(tier);
    if (tier.overlay) painted.push([`${id}-ocean`, "fill-color", colours.water]);
    painted.push(
      [`${id}-land`, "fill-color", colours.land],
      [`${id}-lake`, "fill-color", colours.water],
      [`${id}-coast`, "line-color", colours.coast],
      [`${id}-state`, "line-color", colours.state],
      [`${id}-country`, "line-color", colours.country],
    );
  }
  painted.push([LABELS, "text-color", colours.label], [LABELS, "text-halo-color", colours.halo]);
  return painted;
}

const kind = (name: string) => ["==", ["get", "k"], name] as ["==", ["get", string], string];

function tierLayers(tier: BasemapTier, colours: BasemapColours): LayerSpecification[] {
  const colour = new Map(paints(colours).map(([layer, property, value]) => [`${layer} ${property}`, value]));
  const paint = (layer: string, property: string) => colour.get(`${layer} ${property}`) as string;
  const source = sourceId(tier);
  const result: LayerSpecification[] = [];
  if (tier.overlay) {
    result.push({ id: `${source}-ocean`, type: "fill", source, filter: kind("ocean"), paint: { "fill-color": paint(`${source}-ocean`, "fill-color"), "fill-antialias": false } });
  }
  result.push(
    { id: `${source}-land`, type: "fill", source, filter: kind("land"), paint: { "fill-color": paint(`${source}-land`, "fill-color"), "fill-antialias": false } },
    { id: `${source}-lake`, type: "fill", source, filter: kind("lake"), paint: { "fill-color": paint(`${source}-lake`, "fill-color") } },
    {
      id: `${source}-coast`,
      type: "line",
      source,
      filter: kind("coast"),
      paint: { "line-color": paint(`${source}-coast`, "line-color"), "line-width": ["interpolate", ["linear"], ["zoom"], 2, 0.6, 8, 1.2] },
    },
    {
      id: `${source}-state`,
      type: "line",
      source,
      filter: kind("state"),
      minzoom: 2.5,
      paint: {
        "line-color": paint(`${source}-state`, "line-color"),
        "line-width": ["interpolate", ["linear"], ["zoom"], 3, 0.6, 8, 1.2],
        "line-dasharray": [3, 2],
      },
    },
    {
      id: `${source}-country`,
      type: "line",
      source,
      filter: kind("country"),
      paint: { "line-color": paint(`${source}-country`, "line-color"), "line-width": ["interpolate", ["linear"], ["zoom"], 2, 0.8, 8, 1.8] },
    },
  );
  return result;
}

function labelLayer(world: BasemapTier, colours: BasemapColours): LayerSpecification {
  return {
    id: LABELS,
    type: "symbol",
    source: sourceId(world),
    filter: kind("label"),
    minzoom: 3.5,
    maxzoom: 8,
    layout: { "text-field": ["get", "name"], "text-font": TEXT_FONT, "text-size": 12, "text-letter-spacing": 0.1 },
    paint: { "text-color": colours.label, "text-halo-color": colours.halo, "text-halo-width": 1.2 },
  };
}

let prefetched = false;

/**
 * Starts downloading the coarse world while the page still waits for `/api/v1/meta` and
 * MapLibre's worker boots: the worker then finds it in the HTTP cache (a year's, the name is
 * hashed) instead of asking for it only once it runs.
 */
export function prefetchBasemap(): void {
  const world = tiers.find((tier) => !tier.overlay);
  if (prefetched || !world) return;
  prefetched = true;
  fetch(new URL(world.url, window.location.href).href, { credentials: "same-origin" }).catch(() => undefined);
}

/** The embedded style: the coarse world alone; the regions, charts and airports are added over it. */
export function basemapStyle(dark: boolean): StyleSpecification {
  const colours = BASEMAP_COLOURS[dark ? "dark" : "light"];
  const world = tiers.find((tier) => !tier.overlay);
  if (!world) return plainStyle(dark);
  return {
    version: 8,
    sources: {
      [sourceId(world)]: {
        type: "geojson",
        data: new URL(world.url, window.location.href).href,
        ...SOURCE,
        attribution: "Natural Earth",
      },
    },
    // The labels wait for the first picture too: drawing their letters takes a while.
    layers: [{ id: BACKGROUND, type: "background", paint: { "background-color": colours.water } }, ...tierLayers(world, colours)],
  };
}

export function setBasemapTheme(map: MapLibreMap, dark: boolean): void {
  for (const [layer, property, value] of paints(BASEMAP_COLOURS[dark ? "dark" : "light"])) {
    if (map.getLayer(layer)) map.setPaintProperty(layer, property, value);
  }
}

function overlaps(map: MapLibreMap, [west, south, east, north]: BasemapTier["bbox"]): boolean {
  const bounds = map.getBounds();
  if (bounds.getSouth() > north || bounds.getNorth() < south) return false;
  const left = bounds.getWest();
  const right = bounds.getEast();
  if (right - left >= 360) return true;
  // The view may run across the antimeridian: try it shifted by a turn each way.
  return [-360, 0, 360].some((shift) => left + shift <= east && right + shift >= west);
}

/**
 * Loads the finer regions as the view reaches them, and tells whether every region asked for is
 * drawn (`settled`), so that tests and screenshots can wait for the finished picture.
 */
export class BasemapLoader {
  private readonly asked = new Set<string>();
  private readonly arrived = new Set<string>();

  constructor(private readonly map: MapLibreMap) {
    map.on("sourcedata", (event: MapSourceDataEvent) => {
      if (event.sourceDataType === "metadata" && this.asked.has(event.sourceId)) this.arrived.add(event.sourceId);
    });
    map.on("error", (event) => {
      // A region that cannot be fetched leaves the coarse world in its place.
      const source = "sourceId" in event ? event.sourceId : undefined;
      if (typeof source === "string" && this.asked.has(source)) this.arrived.add(source);
    });
  }

  /** The regions the view has reached that are not in yet. */
  private due(): BasemapTier[] {
    const zoom = this.map.getZoom();
    return tiers.filter(
      (tier) => tier.overlay && !this.asked.has(sourceId(tier)) && zoom >= tier.minZoom && overlaps(this.map, tier.bbox),
    );
  }

  /** Whether `update` has something to add: the labels, or a region the view has reached. */
  wanted(): boolean {
    return !this.map.getLayer(LABELS) || this.due().length > 0;
  }

  /** Adds the labels and the regions the view has reached (each source only then: an empty
   * one costs too); whether it added any. */
  update(dark: boolean): boolean {
    let asked = false;
    const world = tiers.find((tier) => !tier.overlay);
    if (world && !this.map.getLayer(LABELS) && this.map.getSource(sourceId(world))) {
      // Under the charts and airports, over every region.
      const above = this.map.getStyle().layers.find((layer) => !layer.id.startsWith("basemap-") && layer.id !== BACKGROUND);
      this.map.addLayer(labelLayer(world, BASEMAP_COLOURS[dark ? "dark" : "light"]), above?.id);
      asked = true;
    }
    for (const tier of this.due()) {
      const id = sourceId(tier);
      const index = tiers.indexOf(tier);
      this.asked.add(id);
      this.map.addSource(id, {
        type: "geojson",
        data: new URL(tier.url, window.location.href).href,
        ...SOURCE,
      });
      // Over the regions before it in the list, under those after it and the labels.
      const above = tiers.slice(index + 1).find((later) => this.asked.has(sourceId(later)));
      const before = above ? tierLayers(above, BASEMAP_COLOURS.light)[0]?.id : LABELS;
      for (const layer of tierLayers(tier, BASEMAP_COLOURS[dark ? "dark" : "light"])) {
        this.map.addLayer(layer, before && this.map.getLayer(before) ? before : undefined);
      }
      asked = true;
    }
    return asked;
  }

  get settled(): boolean {
    for (const id of this.asked) {
      if (!this.arrived.has(id) || !this.map.isSourceLoaded(id)) return false;
    }
    return true;
  }

  /** The regions drawn so far, e.g. "world-110m north-america-50m". */
  get drawn(): string {
    const names = tiers.filter((tier) => !tier.overlay || this.arrived.has(sourceId(tier))).map((tier) => tier.name);
    return names.join(" ");
  }
}
