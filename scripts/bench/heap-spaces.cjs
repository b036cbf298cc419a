// Preloaded into the server by stream-heap.ts (--spaces): the main thread writes its V8 heap spaces and
// process.memoryUsage() to $LLMLB_HEAP_SPACES_FILE every 500 ms (diagnosis only, never in production).
const { isMainThread } = require("node:worker_threads");
const fs = require("node:fs");
const v8 = require("node:v8");
const file = process.env.LLMLB_HEAP_SPACES_FILE;
if (isMainThread && file) {
  const { PerformanceObserver, constants } = require("node:perf_hooks");
  const gcs = { minor: 0, major: 0, incremental: 0, weak: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = e.detail.kind;
      if (k === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
      else if (k === constants.NODE_PERFORMANCE_GC_MAJOR) gcs.major++;
      else if (k === constants.NODE_PERFORMANCE_GC_INCREMENTAL) gcs.incremental++;
      else gcs.weak++;
    }
  }).observe({ entryTypes: ["gc"] });
  setInterval(() => {
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]),
    );
    fs.writeFileSync(
      file,
      JSON.stringify({ spaces, usage: process.memoryUsage(), gcs, limit: v8.getHeapStatistics() }),
    );
  }, 500).unref();
}
