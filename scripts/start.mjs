// `npm start`: build only when the build is missing or older than the sources (scripts/build.mjs --if-stale),
// then run the server in this process.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "./build.mjs";
import { buildPaths } from "./build-stamp.mjs";

try {
  await build({ ifStale: true });
} catch (err) {
  process.stderr.write(`llmlb: ${err.message}\n`);
  process.exit(1);
}
process.env.NODE_ENV = "production";
await import(pathToFileURL(buildPaths(path.resolve(import.meta.dirname, ".."), process.env).serverOut).href);
