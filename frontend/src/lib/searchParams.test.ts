import { describe, expect, it } from "vitest";
import {
  DEFAULT_FILTERS,
  apiQuery,
  filterProblems,
  filtersFromParams,
  paramsFromFilters,
  radiusNm,
  type SearchFilters,
} from "./searchParams";

function parse(query: string): SearchFilters {
  return filtersFromParams(new URLSearchParams(query));
}

describe("filtersFromParams", () => {
  it("gives the defaults for an empty query", () => {
    expect(parse("")).toEqual(DEFAULT_FILTERS);
  });

  it("reads every filter", () => {
    const filters = parse(
      "near=kpae&within_nm=50&facility_type=heliport&facility_type=airport&access=public" +
        "&access=restricted&min_runway_length_ft=3000&surface=grass&lighted=1" +
        "&max_elevation_ft=5000&tags=food&tags=camping&tags_match=all&events_within_days=30" +
        "&flight_category=IFR&flight_category=VFR&include_closed=1&page=3",
    );
    expect(filters).toEqual({
      near: "KPAE",
      distanceMode: "nm",
      withinNm: 50,
      withinHours: null,
      cruiseKnots: null,
      facilityTypes: ["airport", "heliport"],
      access: ["public", "restricted"],
      minRunwayLengthFt: 3000,
      surfaces: ["grass"],
      lighted: true,
      maxElevationFt: 5000,
      tags: ["food", "camping"],
      tagsMatch: "all",
      eventsWithinDays: 30,
      flightCategories: ["VFR", "IFR"],
      includeClosed: true,
      page: 3,
    });
  });

  it("chooses the hours mode when hours or a cruise speed is given", () => {
    const filters = parse("near=PAE&within_hours=1.5&cruise_knots=110");
    expect(filters.distanceMode).toBe("hours");
    expect(filters.withinHours).toBe(1.5);
    expect(filters.cruiseKnots).toBe(110);
    expect(parse("cruise_knots=100").distanceMode).toBe("hours");
  });

  it("ignores unknown and malformed values", () => {
    const filters = parse(
      "within_nm=far&facility_type=spaceport&access=secret&surface=lava&page=-2" +
        "&min_runway_length_ft=-10&tags_match=some&lighted=maybe&tags=&tags=food&tags=food",
    );
    expect(filters.withinNm).toBeNull();
    expect(filters.facilityTypes).toEqual(["airport"]);
    expect(filters.access).toEqual([]);
    expect(filters.surfaces).toEqual([]);
    expect(filters.page).toBe(1);
    expect(filters.minRunwayLengthFt).toBeNull();
    expect(filters.tagsMatch).toBe("any");
    expect(filters.lighted).toBe(false);
    expect(filters.tags).toEqual(["food"]);
  });

  it("rounds whole-number filters", () => {
    expect(parse("min_runway_length_ft=2500.4&page=2.6").minRunwayLengthFt).toBe(2500);
    expect(parse("page=2.6").page).toBe(3);
  });
});

describe("events and weather", () => {
  it("reads the days to look ahead for events and the flight categories", () => {
    const filters = parse("events_within_days=60&flight_category=MVFR&flight_category=MVFR");
    expect(filters.eventsWithinDays).toBe(60);
    expect(filters.flightCategories).toEqual(["MVFR"]);
  });

  it("keeps any number of days the API accepts, not only the form's choices", () => {
    expect(parse("events_within_days=14").eventsWithinDays).toBe(14);
    expect(parse("events_within_days=1").eventsWithinDays).toBe(1);
    expect(parse("events_within_days=366").eventsWithinDays).toBe(366);
    expect(parse("events_within_days=6.6").eventsWithinDays).toBe(7);
  });

  it("ignores malformed days and unknown categories", () => {
    for (const days of ["0", "-7", "367", "soon", "", "0.4"]) {
      expect(parse(`events_within_days=${days}`).eventsWithinDays).toBeNull();
    }
    expect(parse("flight_category=vfr&flight_category=SVFR&flight_category=").flightCategories).toEqual([]);
  });

  it("writes them to the URL in a stable order, and nothing when they are not set", () => {
    const params = paramsFromFilters({
      ...DEFAULT_FILTERS,
      eventsWithinDays: 90,
      flightCategories: ["LIFR", "VFR"],
    });
    expect(params.toString()).toBe("events_within_days=90&flight_category=VFR&flight_category=LIFR");
    const unset = { ...DEFAULT_FILTERS, eventsWithinDays: null, flightCategories: [] };
    expect(paramsFromFilters(unset).toString()).toBe("");
  });

  it("asks the API for them only when they are set", () => {
    expect(apiQuery(parse("events_within_days=3&flight_category=IFR"))).toEqual({
      facility_type: ["airport"],
      events_within_days: 3,
      flight_category: ["IFR"],
    });
    expect(apiQuery(parse("events_within_days=never&flight_category=CAVOK"))).toEqual({
      facility_type: ["airport"],
    });
  });
});

describe("links from before nautical miles", () => {
  it("reads within_miles as statute miles and converts them", () => {
    const filters = parse("near=PAE&within_miles=50");
    expect(filters.distanceMode).toBe("nm");
    expect(filters.withinNm).toBe(43.4);
  });

  it("prefers within_nm when a link has both", () => {
    expect(parse("near=PAE&within_nm=20&within_miles=50").withinNm).toBe(20);
  });

  it("writes and asks for nautical miles only", () => {
    const filters = parse("near=PAE&within_miles=50");
    expect(paramsFromFilters(filters).toString()).toBe("near=PAE&within_nm=43.4");
    expect(apiQuery(filters)).toEqual({ near: "PAE", within_nm: 43.4, facility_type: ["airport"] });
  });
});

describe("paramsFromFilters", () => {
  it("gives an empty query for the defaults", () => {
    expect(paramsFromFilters(DEFAULT_FILTERS).toString()).toBe("");
  });

  it("keeps only the fields of the chosen distance mode", () => {
    const base = { ...DEFAULT_FILTERS, near: "pae", withinNm: 30, withinHours: 2, cruiseKnots: 100 };
    expect(paramsFromFilters({ ...base, distanceMode: "nm" }).toString()).toBe("near=PAE&within_nm=30");
    expect(paramsFromFilters({ ...base, distanceMode: "hours" }).toString()).toBe(
      "near=PAE&within_hours=2&cruise_knots=100",
    );
  });

  it("leaves out the default facility type and a lone tag's match", () => {
    const params = paramsFromFilters({
      ...DEFAULT_FILTERS,
      facilityTypes: ["airport"],
      tags: ["food"],
      tagsMatch: "all",
    });
    expect(params.toString()).toBe("tags=food");
  });

  it("writes lists in a stable order", () => {
    const params = paramsFromFilters({
      ...DEFAULT_FILTERS,
      facilityTypes: ["military", "airport"],
      access: ["private", "public"],
      surfaces: ["water", "paved"],
    });
    expect(params.toString()).toBe(
      "facility_type=airport&facility_type=military&access=public&access=private" +
        "&surface=paved&surface=water",
    );
  });

  it("round-trips through the URL", () => {
    const filters: SearchFilters = {
      near: "KPAE",
      distanceMode: "hours",
      withinNm: null,
      withinHours: 1.5,
      cruiseKnots: 120,
      facilityTypes: ["airport", "seaplane_base"],
      access: ["public"],
      minRunwayLengthFt: 2000,
      surfaces: ["paved", "grass"],
      lighted: true,
      maxElevationFt: 3000,
      tags: ["food", "lodging"],
      tagsMatch: "all",
      eventsWithinDays: 7,
      flightCategories: ["MVFR", "LIFR"],
      includeClosed: true,
      page: 2,
    };
    expect(filtersFromParams(paramsFromFilters(filters))).toEqual(filters);
    expect(parse(paramsFromFilters(DEFAULT_FILTERS).toString())).toEqual(DEFAULT_FILTERS);
  });
});

describe("apiQuery", () => {
  it("asks for airports only by default", () => {
    expect(apiQuery(DEFAULT_FILTERS)).toEqual({ facility_type: ["airport"] });
  });

  it("uses the API's parameter names", () => {
    const query = apiQuery(
      parse(
        "near=PAE&within_hours=2&cruise_knots=100&access=public&min_runway_length_ft=3000" +
          "&surface=paved&lighted=1&max_elevation_ft=500&tags=food&events_within_days=3" +
          "&flight_category=LIFR&flight_category=VFR&include_closed=1&page=4",
      ),
      10,
    );
    expect(query).toEqual({
      near: "PAE",
      within_hours: 2,
      cruise_knots: 100,
      facility_type: ["airport"],
      access: ["public"],
      min_runway_length_ft: 3000,
      surface: ["paved"],
      lighted: true,
      max_elevation_ft: 500,
      tags: ["food"],
      tags_match: "any",
      events_within_days: 3,
      flight_category: ["VFR", "LIFR"],
      include_closed: true,
      page: 4,
      per_page: 10,
    });
  });

  it("sends no radius without a centre", () => {
    expect(apiQuery({ ...DEFAULT_FILTERS, withinNm: 20 })).toEqual({ facility_type: ["airport"] });
  });
});

describe("filterProblems and radiusNm", () => {
  it("accepts the defaults and a complete location", () => {
    expect(filterProblems(DEFAULT_FILTERS)).toEqual([]);
    expect(filterProblems(parse("near=PAE&within_nm=25"))).toEqual([]);
    expect(filterProblems(parse("near=PAE&within_hours=1&cruise_knots=100"))).toEqual([]);
  });

  it("asks for the centre and both hours fields", () => {
    expect(filterProblems(parse("within_nm=25"))).toHaveLength(1);
    expect(filterProblems(parse("near=PAE&within_hours=1"))).toEqual([
      "Give both the flying time in hours and the cruise speed in knots.",
    ]);
    expect(filterProblems(parse("within_hours=30&cruise_knots=100"))).toHaveLength(2);
  });

  it("computes the radius as the API does", () => {
    expect(radiusNm(parse("near=PAE&within_hours=2&cruise_knots=100"))).toBe(200);
    expect(radiusNm(parse("near=PAE&within_nm=40"))).toBe(40);
    expect(radiusNm(parse("within_nm=40"))).toBeNull();
  });

  it("refuses a radius beyond what the API accepts", () => {
    expect(filterProblems(parse("near=PAE&within_nm=4001"))).toEqual([
      "The distance must be more than 0 and at most 4,000 NM.",
    ]);
    expect(filterProblems(parse("near=PAE&within_nm=4000"))).toEqual([]);
  });
});
