import { describe, expect, it } from "vitest";
import { byLength, lightsText, patternText, runwayDetails, runwayLines, sizeText, surfaceText, type Runway, type RunwayEnd } from "./runways";

const end = (end_id: string, right_traffic: boolean | null, latitude: number | null = null, longitude: number | null = null): RunwayEnd => ({
  end_id,
  right_traffic,
  latitude,
  longitude,
});

const runway = (changes: Partial<Runway> = {}): Runway => ({
  number: "16/34",
  length_ft: 9010,
  width_ft: 150,
  surface: "ASPH-CONC",
  condition: "GOOD",
  lighted: true,
  lights: "HIGH",
  ends: [],
  ...changes,
});

describe("patternText", () => {
  it("says right traffic for the ends that have it and left when not", () => {
    expect(patternText([end("16", false), end("34", true)])).toBe("16 left, 34 right traffic");
  });

  it("says nothing of an end whose side is unknown", () => {
    expect(patternText([end("16", null), end("34", true)])).toBe("34 right traffic");
    expect(patternText([end("16", null), end("34", null)])).toBeNull();
    expect(patternText([])).toBeNull();
  });
});

describe("surfaceText", () => {
  it("spells out the FAA's and OurAirports' codes", () => {
    expect(surfaceText("ASPH-CONC")).toBe("asphalt/concrete");
    expect(surfaceText("TURF-G")).toBe("turf");
    expect(surfaceText("ASP")).toBe("asphalt");
    expect(surfaceText("Rubber mats")).toBe("rubber mats");
    expect(surfaceText(null)).toBe("");
  });
});

describe("runway wording", () => {
  it("gives the size with thousands separators", () => {
    expect(sizeText(runway())).toBe("9,010 × 150 ft");
    expect(sizeText(runway({ width_ft: null }))).toBe("9,010 ft");
    expect(sizeText(runway({ length_ft: null, width_ft: null }))).toBe("");
  });

  it("names the lights, or their absence", () => {
    expect(lightsText(runway())).toBe("high-intensity lights");
    expect(lightsText(runway({ lighted: false }))).toBe("no lights");
    expect(lightsText(runway({ lights: null }))).toBe("lighted");
  });

  it("joins surface, lights and condition", () => {
    expect(runwayDetails(runway())).toBe("asphalt/concrete · high-intensity lights · good condition");
  });

  it("sorts the longest first and unknown lengths last", () => {
    const sorted = byLength([runway({ number: "a", length_ft: null }), runway({ number: "b", length_ft: 3000 }), runway({ number: "c" })]);
    expect(sorted.map((item) => item.number)).toEqual(["c", "b", "a"]);
  });
});

describe("runwayLines", () => {
  it("draws only runways with both ends placed", () => {
    const lines = runwayLines([
      runway({ number: "08/26", ends: [end("08", null, 49.19, -123.2), end("26", null, 49.18, -123.15)] }),
      runway({ number: "13/31", ends: [end("13", null, 49.2, -123.19), end("31", null, null, null)] }),
    ]);
    expect(lines.features).toHaveLength(1);
    expect(lines.features[0]?.geometry.coordinates).toEqual([
      [-123.2, 49.19],
      [-123.15, 49.18],
    ]);
    expect(lines.features[0]?.properties).toEqual({ number: "08/26", width_ft: 150 });
  });
});
