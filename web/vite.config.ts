import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Built by `npm run build:web` (`vite build web`) into web/dist, which the server serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // No source maps: the server would hand the whole source to anyone at /assets/*.js.map.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      "/api": { target: process.env.ORGMAP_API_URL ?? "http://127.0.0.1:3000", changeOrigin: false },
      "/auth": { target: process.env.ORGMAP_API_URL ?? "http://127.0.0.1:3000", changeOrigin: false },
    },
  },
});
