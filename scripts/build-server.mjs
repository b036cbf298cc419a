// Bundles server.ts, the control thread's entry and the development control side (and the lib/ code they import)
// into dist/server.mjs, dist/control-worker.mjs and dist/dev-control.mjs, side by side; packages stay external.
import { build } from "esbuild";
import path from "node:path";

const out = process.env.LLMLB_SERVER_OUT || "dist/server.mjs";

const shim = path.resolve("lib/testing/server-only-shim.ts");

await build({
  entryPoints: {
    [path.basename(out, ".mjs")]: "server.ts",
    "control-worker": "lib/server/control-worker.ts",
    "dev-control": "lib/server/dev-control.ts", // loaded by server.ts in development only
  },
  outdir: path.dirname(out),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  plugins: [
    {
      name: "server-only",
      setup(b) {
        // "server-only" throws outside React's server condition; server.ts is server code by definition.
        b.onResolve({ filter: /^server-only$/ }, () => ({ path: shim }));
      },
    },
  ],
});
