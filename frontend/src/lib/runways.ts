/** Runways in words a pilot reads at a glance: size, surface, lights and the traffic pattern. */

import type { Feature, FeatureCollection, LineString, Point } from "geojson";

export interface RunwayEnd {
  end_id: string;
  right_traffic: boolean | null;
  latitude: number | null;
  longitude: number | null;
}

export interface Runway {
  number: string;
  length_ft: number | null;
  width_ft: number | null;
  surface: string | null;
  condition: string | null;
  lighted: boolean;
  lights: string | null;
  ends: RunwayEnd[];
}

const number = new Intl.NumberFormat("en-US");

// The FAA's surface codes (NASR) and the common OurAirports ones.
const SURFACES: Record<string, string> = {
  ASPH: "asphalt",
  ASP: "asphalt",
  CONC: "concrete",
  CON: "concrete",
  TURF: "turf",
  GRS: "grass",
  GRASS: "grass",
  GRVL: "gravel",
  GRE: "gravel",
  GRAVEL: "gravel",
  DIRT: "dirt",
  WATER: "water",
  WAT: "water",
  SNOW: "snow",
  ICE: "ice",
  MATS: "mats",
  PEM: "partly paved",
  TREATED: "treated",
  "ROOF-TOP": "rooftop",
  SAND: "sand",
  CLAY: "clay",
  UNK: "",
};
// A NASR surface may end in its condition (ASPH-G: good), which the runway gives on its own.
const CONDITION_LETTERS = new Set(["E", "G", "F", "P", "L"]);

const LIGHTS: Record<string, string> = {
  HIGH: "high-intensity lights",
  MED: "medium-intensity lights",
  LOW: "low-intensity lights",
  NSTD: "non-standard lights",
  PERI: "perimeter lights",
  STRB: "strobe lights",
  FLD: "floodlights",
};

/** "asphalt/concrete" for ASPH-CONC; an unknown surface as given, in lower case. */
export function surfaceText(surface: string | null): string {
  if (!surface) return "";
  const upper = surface.trim().toUpperCase();
  if (upper in SURFACES) return SURFACES[upper] ?? "";
  const parts = upper
    .split(/[-/]/)
    .filter((part) => part && !CONDITION_LETTERS.has(part))
    .map((part) => SURFACES[part] ?? part.toLowerCase())
    .filter(Boolean);
  return [...new Set(parts)].join("/");
}

export function lightsText(runway: Pick<Runway, "lighted" | "lights">): string {
  if (!runway.lighted) return "no lights";
  if (!runway.lights) return "lighted";
  return LIGHTS[runway.lights.toUpperCase()] ?? `lights: ${runway.lights.toLowerCase()}`;
}

/** "9,010 × 150 ft", "3,004 ft", "" when neither is known. */
export function sizeText(runway: Pick<Runway, "length_ft" | "width_ft">): string {
  if (runway.length_ft === null) return runway.width_ft === null ? "" : `${number.format(runway.width_ft)} ft wide`;
  return runway.width_ft === null
    ? `${number.format(runway.length_ft)} ft`
    : `${number.format(runway.length_ft)} × ${number.format(runway.width_ft)} ft`;
}

/**
 * The traffic pattern of each end whose side is known: "16 left, 34 right traffic"; null when
 * no end says. Left is the standard, so only "right traffic" is spelled out in full.
 */
export function patternText(ends: readonly RunwayEnd[]): string | null {
  const known = ends
    .filter((end) => end.right_traffic !== null)
    .map((end) => `${end.end_id} ${end.right_traffic ? "right traffic" : "left"}`);
  return known.length > 0 ? known.join(", ") : null;
}

/** Surface, lights and condition, e.g. "asphalt/concrete · high-intensity lights · good condition". */
export function runwayDetails(runway: Runway): string {
  return [
    surfaceText(runway.surface),
    lightsText(runway),
    runway.condition ? `${runway.condition.toLowerCase()} condition` : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

/** Longest first; runways of unknown length last. */
export function byLength<T extends Pick<Runway, "length_ft">>(runways: readonly T[]): T[] {
  return [...runways].sort((a, b) => (b.length_ft ?? -1) - (a.length_ft ?? -1));
}

/** The runways as GeoJSON lines between their ends, for those with both ends placed. */
export function runwayLines(runways: readonly Runway[]): FeatureCollection<LineString> {
  const features: Feature<LineString>[] = [];
  for (const runway of runways) {
    const placed = runway.ends.filter((end) => end.latitude !== null && end.longitude !== null);
    if (placed.length < 2) continue;
    features.push({
      type: "Feature",
      properties: { number: runway.number, width_ft: runway.width_ft ?? 75 },
      geometry: { type: "LineString", coordinates: placed.map((end) => [end.longitude as number, end.latitude as number]) },
    });
  }
  return { type: "FeatureCollection", features };
}

/** Each placed runway end as a point labelled with its number (drawn at the threshold). */
export function runwayEndPoints(runways: readonly Runway[]): FeatureCollection<Point> {
  const features: Feature<Point>[] = [];
  for (const runway of runways) {
    const placed = runway.ends.filter((end) => end.latitude !== null && end.longitude !== null);
    if (placed.length < 2) continue;
    for (const end of placed) {
      features.push({
        type: "Feature",
        properties: { end_id: end.end_id },
        geometry: { type: "Point", coordinates: [end.longitude as number, end.latitude as number] },
      });
    }
  }
  return { type: "FeatureCollection", features };
}
