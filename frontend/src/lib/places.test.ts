import { describe, expect, it } from "vitest";
import { countryName, facilityText, placeText, singular, titleCase } from "./places";

const TYPES = [
  { name: "airport", label: "Airports" },
  { name: "seaplane_base", label: "Seaplane Bases" },
];

describe("placeText", () => {
  it("gives the city with its state, else its country", () => {
    expect(placeText({ city: "Everett", state: "WA", country: "US" })).toBe("Everett, WA");
    expect(placeText({ city: "Vancouver", state: "British Columbia", country: "CA" })).toBe("Vancouver, British Columbia");
    expect(placeText({ city: "Iqaluit", state: null, country: "CA" })).toBe("Iqaluit, Canada");
    expect(placeText({ city: null, state: null, country: null })).toBe("");
  });

  it("names countries in English", () => {
    expect(countryName("ca")).toBe("Canada");
  });
});

describe("facilityText", () => {
  it("uses the catalogue's label in the singular", () => {
    expect(facilityText("seaplane_base", "PU", TYPES)).toBe("Seaplane Base");
    expect(singular("Airports")).toBe("Airport");
  });

  it("says when an airport is private, and copes without the catalogue", () => {
    expect(facilityText("airport", "PR", TYPES)).toBe("Airport, private");
    expect(facilityText("seaplane_base", null)).toBe("Seaplane base");
  });
});

describe("titleCase", () => {
  it("capitalises each word", () => {
    expect(titleCase("KLAMATH FALLS")).toBe("Klamath Falls");
    expect(titleCase("SEATTLE")).toBe("Seattle");
  });
});
