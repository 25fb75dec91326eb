import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Built by `npm run build:web` (`vite build web`) into web/dist, which the server serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { "/api": { target: process.env.ORGMAP_API_URL ?? "http://127.0.0.1:3000", changeOrigin: false } },
  },
});
