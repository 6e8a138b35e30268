/**
 * One change to MapLibre GL JS at build time: when new symbol tiles arrive, their first frame
 * is also their last.
 *
 * With `fadeDuration: 0` (the map's), MapLibre places every symbol afresh, in full, in each
 * frame (`forceFullPlacement`). Yet when the frame's tiles brought new symbols it still marks
 * that placement stale, which makes it draw the whole map once more before it goes idle. The
 * mark is for a placement spread over several frames, begun before the new symbols arrived; a
 * full placement made in this frame already holds them. So the mark is skipped there.
 *
 * Each arrival of the airports' tiles cost a redrawn frame: on a device without a GPU, 100 to
 * 150 ms of the map's first render (`bench/frontend.py`).
 *
 * The change is made on the published bundle, whose code is minified: it finds the two places
 * by their shape and fails the build if either is not there exactly once (a new MapLibre to
 * read again), rather than build without it.
 */
import type { Plugin } from "vite";

const BUNDLE = /node_modules[\\/]maplibre-gl[\\/]dist[\\/]maplibre-gl\.mjs$/;
// `new PauseablePlacement(transform, terrain, order, forceFullPlacement, …)`
const PLACEMENT = /new [\w$]+\([\w$]+,this\.map\.terrain,this\._order,([\w$]+),/g;
// `if (symbolBucketsChanged) this.pauseablePlacement.placement.setStale()`
const STALE = /([\w$]+)&&this\.pauseablePlacement\.placement\.setStale\(\)/g;

/** The bundle's code with the change made; throws if its two places are not found once each. */
export function withoutStaleFullPlacement(code: string): string {
  const placements = [...code.matchAll(PLACEMENT)];
  const stales = [...code.matchAll(STALE)];
  const force = placements[0]?.[1];
  const changed = stales[0]?.[1];
  if (placements.length !== 1 || stales.length !== 1 || !force || !changed) {
    throw new Error(
      "MapLibre's symbol placement is not as plugins/maplibrePlacement.ts expects " +
        `(${placements.length} placements, ${stales.length} stale marks): read it again for this version.`,
    );
  }
  return code.replace(STALE, `${changed}&&!${force}&&this.pauseablePlacement.placement.setStale()`);
}

export function maplibrePlacement(): Plugin {
  return {
    name: "pirep-maplibre-placement",
    transform(code, id) {
      if (!BUNDLE.test(id)) return null;
      return { code: withoutStaleFullPlacement(code), map: null };
    },
  };
}
