import { describe, expect, it } from "vitest";
import { covers } from "./bounds";
import { cycleText, fileLabel, layerText, orderedFiles, packsAt } from "./offlinePacks";

const SEATTLE = { title: "Seattle", layer: "sectional" as const, bounds: [-125, 44.5, -117, 49.1] };
const SEATTLE_TAC = { title: "Seattle", layer: "terminal" as const, bounds: [-123, 47, -121.5, 48.2] };
const KLAMATH = { title: "Klamath Falls", layer: "sectional" as const, bounds: [-125, 40, -117, 44.5] };
// The western Aleutians: the chart runs from 170° E across the antimeridian to 170° W.
const WESTERN_ALEUTIANS = { title: "Western Aleutian Islands", layer: "sectional" as const, bounds: [170, 50, -170, 56] };

describe("covers", () => {
  it("holds the points between its edges, the edges included", () => {
    expect(covers(SEATTLE.bounds, 47.91, -122.28)).toBe(true);
    expect(covers(SEATTLE.bounds, 44.5, -125)).toBe(true);
    expect(covers(SEATTLE.bounds, 50, -122.28)).toBe(false);
    expect(covers(SEATTLE.bounds, 47.91, -116)).toBe(false);
  });

  it("reaches across the antimeridian when its west is east of its east", () => {
    expect(covers(WESTERN_ALEUTIANS.bounds, 52, 175)).toBe(true);
    expect(covers(WESTERN_ALEUTIANS.bounds, 52, -175)).toBe(true);
    expect(covers(WESTERN_ALEUTIANS.bounds, 52, 180)).toBe(true);
    expect(covers(WESTERN_ALEUTIANS.bounds, 52, 0)).toBe(false);
    expect(covers(WESTERN_ALEUTIANS.bounds, 52, -160)).toBe(false);
    expect(covers(WESTERN_ALEUTIANS.bounds, 60, 175)).toBe(false);
  });

  it("holds nothing when its bounds are not four numbers", () => {
    expect(covers([], 47.91, -122.28)).toBe(false);
  });

  it("takes a map's longitude after it went round the world", () => {
    expect(covers(SEATTLE.bounds, 47.91, -122.28 + 360)).toBe(true);
    expect(covers(WESTERN_ALEUTIANS.bounds, 52, 175 - 720)).toBe(true);
  });
});

describe("packsAt", () => {
  it("lists every chart under the point, sectionals first", () => {
    const packs = [SEATTLE_TAC, KLAMATH, WESTERN_ALEUTIANS, SEATTLE];
    expect(packsAt(packs, 47.91, -122.28)).toEqual([SEATTLE, SEATTLE_TAC]);
    expect(packsAt(packs, 42, -121)).toEqual([KLAMATH]);
    expect(packsAt(packs, 51, -179)).toEqual([WESTERN_ALEUTIANS]);
    expect(packsAt(packs, 30, -90)).toEqual([]);
  });
});

describe("in words", () => {
  it("names the layers and the cycle's day", () => {
    expect(layerText("sectional")).toBe("Sectional chart");
    expect(layerText("terminal")).toBe("Terminal area chart");
    expect(cycleText("2024-12-26")).toBe("Dec 26, 2024");
    expect(cycleText("soon")).toBe("soon");
  });

  it("says what each file is, for whom", () => {
    expect(fileLabel("mbtiles")).toBe("Chart tiles (MBTiles, for EFBs and QGIS)");
    expect(fileLabel("pmtiles")).toBe("Chart tiles (PMTiles)");
    expect(fileLabel("gpkg")).toBe("Airports (GeoPackage)");
    expect(fileLabel("diagrams")).toBe("Airport diagrams (PDF, zip)");
  });

  it("orders the files tiles first", () => {
    const files = [{ format: "diagrams" as const }, { format: "gpkg" as const }, { format: "pmtiles" as const }, { format: "mbtiles" as const }];
    expect(orderedFiles(files).map((file) => file.format)).toEqual(["mbtiles", "pmtiles", "gpkg", "diagrams"]);
  });
});
