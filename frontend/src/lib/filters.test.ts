import { describe, expect, it } from "vitest";
import { featureFilter } from "@maplibre/maplibre-gl-style-spec";
import {
  clear,
  defaultFilters,
  hiddenFilter,
  matchExpression,
  matches,
  readFilters,
  searchQuery,
  toggle,
  writeFilters,
  type Filters,
} from "./filters";

const known = {
  types: ["airport", "heliport", "seaplane_base", "military"],
  access: ["public", "restricted", "private"],
  tags: ["populated", "empty", "fuel", "crew_car", "camping"],
  defaultTypes: ["airport"],
};
const defaults: Filters = { types: ["airport"], access: ["public"], tags: [] };
const everything: Filters = { types: [], access: [], tags: [] };

describe("the filters in the URL", () => {
  it("defaults to public airports, whatever their tags", () => {
    expect(readFilters(new URLSearchParams(""), known)).toEqual(defaults);
    expect(defaultFilters(known)).toEqual(defaults);
  });

  it("reads the original's parameters, splits access from tags and drops unknown names", () => {
    const params = new URLSearchParams("filters_facility_types=heliport,zeppelin&filters_tags=fuel,private,crew_car,bogus");
    expect(readFilters(params, known)).toEqual({ types: ["heliport"], access: ["private"], tags: ["fuel", "crew_car"] });
  });

  it("reads the original's names of the access tags (public_, private_) as ours", () => {
    const params = new URLSearchParams("filters_tags=public_,private_,restricted,fuel");
    expect(readFilters(params, known)).toEqual({
      types: ["airport"],
      access: ["public", "restricted", "private"],
      tags: ["fuel"],
    });
  });

  it("reads an old link's tags alone as any access", () => {
    expect(readFilters(new URLSearchParams("filters_tags=crew_car"), known)).toEqual({
      types: ["airport"],
      access: [],
      tags: ["crew_car"],
    });
  });

  it("keeps an explicitly empty group (no restriction) apart from the default", () => {
    const params = new URLSearchParams("filters_facility_types=&filters_tags=");
    expect(readFilters(params, known)).toEqual(everything);
  });

  it("writes nothing for the defaults and round-trips anything else", () => {
    expect(writeFilters(new URLSearchParams("airport=PAE"), defaults, known).toString()).toBe("airport=PAE");
    for (const custom of [
      { types: ["airport", "heliport"], access: ["public"], tags: ["fuel"] },
      { types: ["airport"], access: [], tags: [] },
      { types: [], access: ["public"], tags: [] },
      everything,
    ]) {
      const written = writeFilters(new URLSearchParams(), custom, known);
      expect(readFilters(written, known)).toEqual(custom);
    }
    const written = writeFilters(new URLSearchParams(), { ...defaults, tags: ["crew_car"] }, known);
    expect(written.get("filters_tags")).toBe("crew_car,public");
    expect(written.has("filters_facility_types")).toBe(false);
  });
});

describe("ticking and clearing", () => {
  it("treats Documented as an ordinary tag", () => {
    const documented = toggle(defaults, "tags", "populated");
    expect(documented.tags).toEqual(["populated"]);
    expect(toggle(documented, "tags", "populated").tags).toEqual([]);
  });

  it("adds to the other ticked items of the same group only", () => {
    const fuel = toggle(defaults, "tags", "fuel");
    expect(toggle(fuel, "tags", "camping")).toEqual({ ...defaults, tags: ["fuel", "camping"] });
    expect(toggle(defaults, "access", "private").access).toEqual(["public", "private"]);
    expect(toggle(defaults, "types", "heliport").types).toEqual(["airport", "heliport"]);
  });

  it("unticks the last item of a group to an empty group, never back to a default", () => {
    expect(toggle(defaults, "types", "airport").types).toEqual([]);
    expect(toggle(defaults, "access", "public").access).toEqual([]);
  });

  it("clears one group", () => {
    const custom: Filters = { types: ["heliport"], access: ["private"], tags: ["fuel"] };
    expect(clear(custom, "types")).toEqual({ ...custom, types: [] });
    expect(clear(custom, "access")).toEqual({ ...custom, access: [] });
    expect(clear(custom, "tags")).toEqual({ ...custom, tags: [] });
  });
});

describe("which airports match", () => {
  const cases: [string, string[], Filters, boolean][] = [
    ["airport", ["public"], defaults, true],
    ["airport", ["public", "populated"], defaults, true],
    ["airport", ["private"], defaults, false],
    ["heliport", ["public"], defaults, false],
    // A fresh install documents nothing: the defaults still match every public airport.
    ["airport", ["public", "empty"], defaults, true],
    // An empty group restricts nothing.
    ["military", ["restricted"], everything, true],
    ["heliport", ["private", "empty"], { ...defaults, types: [] }, false],
    ["heliport", ["public", "empty"], { ...defaults, types: [] }, true],
    ["airport", ["private"], { ...defaults, access: [] }, true],
    // Access and tags both apply: a public airport with any of the ticked tags.
    ["airport", ["public", "fuel"], { ...defaults, tags: ["fuel", "camping"] }, true],
    ["airport", ["public", "empty"], { ...defaults, tags: ["fuel", "camping"] }, false],
    ["airport", ["private", "fuel"], { ...defaults, tags: ["fuel"] }, false],
    ["airport", ["private", "fuel"], { types: ["airport"], access: ["public", "private"], tags: ["fuel"] }, true],
    ["airport", ["public", "populated"], { ...defaults, tags: ["populated"] }, true],
    ["airport", ["public", "fuel"], { types: ["heliport"], access: [], tags: ["fuel"] }, false],
  ];

  it.each(cases)("a %s tagged %j: %#", (type, tags, filters, expected) => {
    expect(matches(filters, type, tags)).toBe(expected);
    // The map's expressions agree with the rule, over the vector tiles' text of tags and the
    // GeoJSON's list.
    const evaluate = (filter: unknown, tagged: unknown) =>
      featureFilter(filter as never, "layers[0].filter").filter({ zoom: 10 }, {
        type: "Point",
        properties: { facility_type: type, tags: tagged },
      } as never);
    const text = `,${tags.join(",")},`;
    expect(evaluate(matchExpression(filters), text)).toBe(expected);
    expect(evaluate(hiddenFilter(filters), text)).toBe(!expected && type !== "heliport");
    expect(evaluate(matchExpression(filters, false), tags)).toBe(expected);
    expect(evaluate(hiddenFilter(filters, false), tags)).toBe(!expected && type !== "heliport");
  });

  it("does not take a tag for another one that contains it", () => {
    const evaluate = (filter: unknown) =>
      featureFilter(filter as never, "layers[0].filter").filter({ zoom: 10 }, {
        type: "Point",
        properties: { facility_type: "airport", tags: ",public,self-fuel," },
      } as never);
    expect(evaluate(matchExpression({ ...defaults, tags: ["fuel"] }))).toBe(false);
    expect(evaluate(matchExpression({ ...defaults, tags: ["self-fuel"] }))).toBe(true);
  });
});

describe("the count of matching airports", () => {
  it("asks the advanced search with the same filters, closed airports included", () => {
    expect(searchQuery({ types: ["airport"], access: ["public"], tags: ["fuel"] }, known)).toEqual({
      facility_type: ["airport"],
      access: ["public"],
      tags: ["fuel"],
      include_closed: true,
      per_page: 1,
    });
  });

  it("names every type when no type is ticked (the search's own default is airports)", () => {
    expect(searchQuery({ types: [], access: [], tags: [] }, known).facility_type).toEqual(known.types);
  });
});
