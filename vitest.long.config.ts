// `npm run test:long`: the tests that take minutes by design (e2e/long/), excluded from `vitest run`. Their files
// run in parallel: each mostly waits.
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["e2e/long/**/*.test.ts"],
    exclude: ["node_modules/**"],
    testTimeout: 600_000,
    fileParallelism: true,
  },
});
