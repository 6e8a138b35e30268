/** Marker images drawn on a canvas at runtime (no image files, crisp at any pixel ratio). */
import type { Map as MapLibreMap } from "maplibre-gl";

interface Marker {
  name: string;
  radius: number;
  fill: string;
  stroke: string;
}

export const MARKERS: Marker[] = [
  { name: "marker-visible", radius: 7, fill: "#1f6feb", stroke: "#ffffff" },
  { name: "marker-hidden", radius: 5, fill: "#8a94a3", stroke: "#ffffff" },
  { name: "marker-selected", radius: 10, fill: "#e5533d", stroke: "#ffffff" },
];

export function addMarkerImages(map: MapLibreMap): void {
  const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
  for (const marker of MARKERS) {
    if (map.hasImage(marker.name)) continue;
    const size = (marker.radius + 3) * 2 * ratio;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const context = canvas.getContext("2d");
    if (!context) continue;
    context.beginPath();
    context.arc(size / 2, size / 2, marker.radius * ratio, 0, Math.PI * 2);
    context.fillStyle = marker.fill;
    context.fill();
    context.lineWidth = 2 * ratio;
    context.strokeStyle = marker.stroke;
    context.stroke();
    map.addImage(marker.name, context.getImageData(0, 0, size, size), { pixelRatio: ratio });
  }
}
