import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";
import { basemap } from "./plugins/basemap.ts";
import { maplibrePlacement } from "./plugins/maplibrePlacement.ts";

// The API (`pirep dev`) serves the built SPA on one port; `npm run dev` proxies to it instead.
const api = process.env.PIREP_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), basemap(), maplibrePlacement()],
  build: {
    // `/assets/` belongs to the API (tiles, diagrams, photos).
    assetsDir: "static",
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        advancedChunks: {
          groups: [{ name: "maplibre", test: /node_modules[\\/]maplibre-gl/ }],
        },
      },
    },
  },
  server: {
    proxy: { "/api": api, "/assets": api, "/health": api },
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "plugins/**/*.test.ts"],
  },
});
