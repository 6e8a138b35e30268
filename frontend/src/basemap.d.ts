/** The base map's files, emitted by plugins/basemap.ts when the SPA is built. */
declare module "virtual:basemap" {
  export interface BasemapTier {
    name: string;
    url: string;
    /** West, south, east, north. */
    bbox: [number, number, number, number];
    minZoom: number;
    overlay: boolean;
  }
  export const tiers: BasemapTier[];
}
