// `npm run bench:fleet-scale`: measurements with a target on this shared 2-core machine (event-loop lag with 1,000
// endpoints' telemetry), run on demand like the other benchmarks and reported, not part of `npm test`: a timed
// test on a machine whose speed swings proves nothing either way.
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["e2e/bench/**/*.test.ts"],
    exclude: ["node_modules/**"],
    testTimeout: 600_000,
  },
});
