import { describe, expect, it } from "vitest";
import { colourOf, NO_COLOUR, PALETTE } from "./colours";

describe("the colours of types and tags", () => {
  it("turns the API's palette names into hexes", () => {
    expect(colourOf("green")).toBe("#43a047");
    expect(colourOf("orange")).toBe("#fb8c00");
    expect(colourOf("blue-grey")).toBe(PALETTE["blue-grey"]);
  });

  it("keeps a hex, and gives grey to anything else", () => {
    expect(colourOf("#A1B2C3")).toBe("#a1b2c3");
    expect(colourOf(null)).toBe(NO_COLOUR);
    expect(colourOf("ultraviolet")).toBe(NO_COLOUR);
  });

  it("names every colour the catalogue uses", () => {
    // api/core/catalogue.py: the facility types' and tags' colours.
    const used = ["yellow", "green", "orange", "blue-grey", "light-blue", "deep-orange", "brown", "teal", "blue", "light-green", "cyan", "indigo", "lime", "purple", "red", "pink"];
    for (const name of used) expect(PALETTE[name], name).toMatch(/^#[0-9a-f]{6}$/);
  });
});
