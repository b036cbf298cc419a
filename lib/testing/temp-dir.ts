// Temp dirs of tests and benchmarks, removed when the run that made them is over, so that thousands of runs do
// not fill /tmp with databases: at the end of each vitest file (lib/testing/temp-cleanup.ts; vitest ends its
// worker processes with a signal, so an exit hook alone would not run there) and at the exit of any other process
// (Playwright's workers, scripts). Not at a server's stop: a test may start another server on the same dir.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const made: string[] = [];

/** Removes every dir tempDir has made in this process so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
process.once("exit", removeTempDirs);

/** A new dir under the OS temp dir, named `<prefix>XXXXXX`, removed when this test file or process ends. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
