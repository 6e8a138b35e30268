import { describe, expect, it } from "vitest";
import { featureFilter } from "@maplibre/maplibre-gl-style-spec";
import {
  clearTags,
  hiddenFilter,
  matchExpression,
  matches,
  readFilters,
  toggleTag,
  toggleType,
  writeFilters,
  type Filters,
} from "./filters";

const known = {
  types: ["airport", "heliport", "seaplane_base", "military"],
  tags: ["populated", "empty", "fuel", "crew_car", "camping"],
  defaultTypes: ["airport"],
};
const defaults: Filters = { types: ["airport"], tags: ["populated"] };

describe("the filters in the URL", () => {
  it("defaults to airports that are documented", () => {
    expect(readFilters(new URLSearchParams(""), known)).toEqual(defaults);
  });

  it("reads the original's parameters and drops unknown names", () => {
    const params = new URLSearchParams("filters_facility_types=heliport,zeppelin&filters_tags=fuel,crew_car,bogus");
    expect(readFilters(params, known)).toEqual({ types: ["heliport"], tags: ["fuel", "crew_car"] });
  });

  it("keeps an explicitly empty type list (nothing shown) apart from the default", () => {
    expect(readFilters(new URLSearchParams("filters_facility_types="), known).types).toEqual([]);
  });

  it("writes nothing for the defaults and round-trips anything else", () => {
    expect(writeFilters(new URLSearchParams("airport=PAE"), defaults, ["airport"]).toString()).toBe("airport=PAE");
    const custom: Filters = { types: ["airport", "heliport"], tags: ["fuel"] };
    const written = writeFilters(new URLSearchParams(), custom, ["airport"]);
    expect(written.get("filters_facility_types")).toBe("airport,heliport");
    expect(readFilters(written, known)).toEqual(custom);
  });
});

describe("toggling tags", () => {
  it("switches Documented off when another tag is enabled", () => {
    expect(toggleTag(defaults, "fuel").tags).toEqual(["fuel"]);
  });

  it("switches Documented back on when the last tag is disabled", () => {
    expect(toggleTag({ ...defaults, tags: ["fuel"] }, "fuel").tags).toEqual(["populated"]);
  });

  it("adds to the other enabled tags", () => {
    expect(toggleTag({ ...defaults, tags: ["fuel"] }, "camping").tags).toEqual(["fuel", "camping"]);
    expect(toggleTag({ ...defaults, tags: ["fuel"] }, "populated").tags).toEqual(["fuel", "populated"]);
  });

  it("clears back to the default", () => {
    expect(clearTags({ ...defaults, tags: ["fuel", "camping"] }).tags).toEqual(["populated"]);
  });

  it("toggles types independently", () => {
    expect(toggleType(defaults, "heliport").types).toEqual(["airport", "heliport"]);
    expect(toggleType(defaults, "airport").types).toEqual([]);
  });
});

describe("which airports match", () => {
  const cases: [string, string[], Filters, boolean][] = [
    ["airport", ["populated"], defaults, true],
    ["airport", ["empty"], defaults, false],
    ["heliport", ["populated"], defaults, false],
    ["airport", ["empty", "fuel"], { types: ["airport"], tags: ["fuel", "camping"] }, true],
    ["airport", ["fuel"], { types: [], tags: ["fuel"] }, false],
  ];

  it.each(cases)("a %s tagged %j: %#", (type, tags, filters, expected) => {
    expect(matches(filters, type, tags)).toBe(expected);
    // The map's expression agrees with the rule.
    const feature = { type: "Point" as const, properties: { facility_type: type, tags } };
    const evaluate = (filter: unknown) =>
      featureFilter(filter as never, "layers[0].filter").filter({ zoom: 10 }, feature as never);
    expect(evaluate(matchExpression(filters))).toBe(expected);
    expect(evaluate(hiddenFilter(filters))).toBe(!expected && type !== "heliport");
  });
});
