import { describe, expect, it } from "vitest";
import {
  describeChanges,
  duration,
  flattenCounts,
  isActiveRun,
  pageCount,
  runIdIn,
  runProgress,
  shortValue,
  timeLeft,
} from "./format";

describe("runProgress", () => {
  it("shows counted work with a percentage and the time left", () => {
    const progress = runProgress({ step: "tiling the sectional layer", done: 120, total: 400, seconds_left: 150 });
    expect(progress.percent).toBe(30);
    expect(progress.text).toBe("Tiling the sectional layer: 120 of 400 (30%), about 3 min left");
  });

  it("shows a step without counts", () => {
    expect(runProgress({ step: "fetching the chart archives" })).toEqual({
      step: "fetching the chart archives",
      percent: null,
      text: "Fetching the chart archives",
    });
  });

  it("shows the airports being loaded", () => {
    expect(runProgress({ step: "loading", airports: 3020 }).text).toBe("Loading: 3,020 airports");
  });

  it("copes with an empty or odd record", () => {
    expect(runProgress({}).text).toBe("Waiting to start");
    expect(runProgress(null).percent).toBeNull();
    expect(runProgress({ step: "x", done: "3", total: 0 }).percent).toBeNull();
    expect(runProgress({ step: "x", done: 5, total: 0 }).text).toBe("X: 5 done");
  });

  it("never exceeds 100%", () => {
    expect(runProgress({ step: "x", done: 12, total: 10, seconds_left: 0 }).percent).toBe(100);
  });
});

describe("timeLeft", () => {
  it("rounds to a readable unit", () => {
    expect(timeLeft(0)).toBe("about 1 s left");
    expect(timeLeft(42)).toBe("about 42 s left");
    expect(timeLeft(3720)).toBe("about 1 h 2 min left");
  });
});

describe("isActiveRun", () => {
  it("is true while queued or running", () => {
    expect(isActiveRun("requested")).toBe(true);
    expect(isActiveRun("running")).toBe(true);
    expect(isActiveRun("succeeded")).toBe(false);
    expect(isActiveRun(undefined)).toBe(false);
  });
});

describe("flattenCounts", () => {
  it("labels nested counts", () => {
    expect(flattenCounts({ sectional: { tiles: 32, unchanged: 0 } })).toEqual([
      { label: "Sectional › Tiles", value: "32" },
      { label: "Sectional › Unchanged", value: "0" },
    ]);
    expect(flattenCounts({ changed_fields: {} })).toEqual([{ label: "Changed fields", value: "none" }]);
  });
});

describe("shortValue and describeChanges", () => {
  it("shortens values", () => {
    expect(shortValue(null)).toBe("(empty)");
    expect(shortValue(true)).toBe("yes");
    expect(shortValue(["100LL", "JET-A"])).toBe("100LL, JET-A");
    expect(shortValue("a\n\nb")).toBe("a b");
    expect(shortValue("x".repeat(100), 10)).toBe("xxxxxxxxx…");
  });

  it("describes each changed field", () => {
    expect(describeChanges({ crew_car: [null, "Ask the FBO"], elevation_ft: [10, 12] })).toEqual([
      { field: "Crew car", from: "(empty)", to: "Ask the FBO" },
      { field: "Elevation ft", from: "10", to: "12" },
    ]);
  });
});

describe("runIdIn", () => {
  it("finds the active run in the refusal", () => {
    expect(runIdIn("Import a8c0782c-85e9-4b05-8ee3-afcedd8b4004 is running; wait for it to finish first.")).toBe(
      "a8c0782c-85e9-4b05-8ee3-afcedd8b4004",
    );
    expect(runIdIn("Another import was started just now")).toBeNull();
  });
});

describe("duration and pageCount", () => {
  it("formats durations", () => {
    expect(duration("2024-01-01T00:00:00Z", "2024-01-01T00:02:05Z")).toBe("2 min 5 s");
    expect(duration(null, null)).toBe("—");
  });

  it("counts pages", () => {
    expect(pageCount(0, 10)).toBe(1);
    expect(pageCount(21, 10)).toBe(3);
  });
});
