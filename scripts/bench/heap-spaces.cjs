// Preloaded into the server by stream-heap.ts (--spaces): the main thread writes its V8 heap spaces and
// process.memoryUsage() to $LLMLB_HEAP_SPACES_FILE every 500 ms (diagnosis only, never in production).
const { isMainThread } = require("node:worker_threads");
const fs = require("node:fs");
const v8 = require("node:v8");
const file = process.env.LLMLB_HEAP_SPACES_FILE;
if (isMainThread && file) {
  setInterval(() => {
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]),
    );
    fs.writeFileSync(file, JSON.stringify({ spaces, usage: process.memoryUsage() }));
  }, 500).unref();
}
