// Preloaded with --import by e2e/api/boundaries.test.ts: on SIGUSR2 the main thread prints the CommonJS modules it
// has loaded (packages imported from ESM land in the same cache), one JSON line. Worker threads stay silent.
import { createRequire } from "node:module";
import { isMainThread } from "node:worker_threads";

if (isMainThread) {
  const require = createRequire(import.meta.url);
  process.on("SIGUSR2", () => process.stdout.write(`LOADED_MODULES ${JSON.stringify(Object.keys(require.cache))}\n`));
}
