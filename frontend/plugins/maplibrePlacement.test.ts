import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { withoutStaleFullPlacement } from "./maplibrePlacement";

const bundle = readFileSync(createRequire(import.meta.url).resolve("maplibre-gl/dist/maplibre-gl.mjs"), "utf8");

describe("the MapLibre placement change", () => {
  it("skips the stale mark after a full placement in the installed MapLibre", () => {
    const changed = withoutStaleFullPlacement(bundle);
    const force = /new [\w$]+\([\w$]+,this\.map\.terrain,this\._order,([\w$]+),/.exec(bundle)?.[1];
    expect(force).toBeTruthy();
    expect(changed).toContain(`&&!${force}&&this.pauseablePlacement.placement.setStale()`);
    // Only that: the bundle is otherwise the same.
    expect(changed.length).toBe(bundle.length + `&&!${force}`.length);
  });

  it("refuses a MapLibre whose placement code it does not recognise", () => {
    const renamed = bundle.replace("this.pauseablePlacement.placement.setStale()", "this.pauseablePlacement.placement.markStale()");
    expect(() => withoutStaleFullPlacement(renamed)).toThrow(/read it again for this version/);
    expect(() => withoutStaleFullPlacement("export {}")).toThrow(/0 placements, 0 stale marks/);
  });
});
