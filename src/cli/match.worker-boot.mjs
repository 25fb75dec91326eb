// A worker thread does not inherit the tsx loader of the thread that started it: register it here,
// then run the TypeScript worker (bin/orgmap.js does the same for the main thread).
import { register } from "tsx/esm/api";

register();
await import("./match.worker.ts");
