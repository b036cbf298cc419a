import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "lib/testing/server-only-shim.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "e2e/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["e2e/browser/**", "e2e/long/**", "e2e/bench/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: "forks",
    setupFiles: ["lib/testing/temp-cleanup.ts"],
  },
});
