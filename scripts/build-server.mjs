// Bundles server.ts (and the lib/ code it imports) into dist/server.mjs; packages stay external.
import { build } from "esbuild";
import path from "node:path";

const shim = path.resolve("lib/testing/server-only-shim.ts");

await build({
  entryPoints: ["server.ts"],
  outfile: process.env.LLMLB_SERVER_OUT || "dist/server.mjs",
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
