/**
 * Airport markers, drawn on a canvas at runtime (no image files, crisp at any pixel ratio), one
 * image per facility type and look, in the type's colour from `/api/v1/meta` (the legend's):
 * airports that match the filters as solid dots, the others smaller, hollow and faded, and the
 * selected one larger with an amber ring no type uses.
 */
import type { ExpressionSpecification, Map as MapLibreMap } from "maplibre-gl";
import { colourOf } from "../../lib/colours";

export type Look = "match" | "faded" | "selected";

export const SELECTED_RING = "#ffc400";
/** Every type's dot has this radius (CSS px) at icon-size 1. */
export const MATCH_RADIUS = 7;

export interface MarkerType {
  name: string;
  colour: string | null;
}

// The image of a type the API may add before the SPA knows it.
const OTHER = "other";

export function imageName(look: Look, type: string): string {
  return `airport-${look}-${type}`;
}

/** An image per type, for a layer's `icon-image`. */
export function iconImage(look: Look, types: readonly MarkerType[]): ExpressionSpecification | string {
  if (types.length === 0) return imageName(look, OTHER);
  return [
    "match",
    ["get", "facility_type"],
    ...types.flatMap((type) => [type.name, imageName(look, type.name)]),
    imageName(look, OTHER),
  ] as unknown as ExpressionSpecification;
}

function rgba(hex: string, alpha: number): string {
  const value = parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

function draw(look: Look, colour: string, ratio: number): ImageData | null {
  const radius = look === "selected" ? 11 : look === "faded" ? 4.5 : MATCH_RADIUS;
  const size = Math.ceil((radius + 3) * 2 * ratio);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  if (!context) return null;
  const centre = size / 2;
  const circle = (r: number) => {
    context.beginPath();
    context.arc(centre, centre, r * ratio, 0, Math.PI * 2);
  };
  if (look === "faded") {
    circle(radius - 0.75);
    context.fillStyle = rgba(colour, 0.3);
    context.fill();
    context.lineWidth = 1.5 * ratio;
    context.strokeStyle = rgba(colour, 0.75);
    context.stroke();
  } else {
    if (look === "selected") {
      // A dark hairline keeps the amber ring visible on pale land and on the charts' yellows.
      circle(radius + 1.5);
      context.fillStyle = "rgba(20, 24, 30, 0.85)";
      context.fill();
      circle(radius + 0.5);
      context.fillStyle = SELECTED_RING;
      context.fill();
    } else {
      circle(radius + 1);
      context.fillStyle = "rgba(20, 24, 30, 0.45)";
      context.fill();
    }
    const inner = look === "selected" ? radius - 3 : radius;
    circle(inner);
    context.fillStyle = "#ffffff";
    context.fill();
    circle(inner - 1.75);
    context.fillStyle = colour;
    context.fill();
  }
  return context.getImageData(0, 0, size, size);
}

export function addMarkerImages(map: MapLibreMap, types: readonly MarkerType[]): void {
  const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
  for (const type of [...types, { name: OTHER, colour: null }]) {
    for (const look of ["match", "faded", "selected"] as const) {
      const name = imageName(look, type.name);
      if (map.hasImage(name)) continue;
      const image = draw(look, colourOf(type.colour), ratio);
      if (image) map.addImage(name, image, { pixelRatio: ratio });
    }
  }
}
