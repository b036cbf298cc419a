// `npm test`: builds, then runs the long tests (`test:long`, minutes of waiting by design) in the background while
// `test:unit` and then `test:e2e` run; waits for the long run and exits non-zero if any part failed, printing
// each part's result. The long run's output is kept and printed after the others' (never interleaved).
import { spawn } from "node:child_process";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(script, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(npm, ["run", "--silent", script], { stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (quiet) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("exit", (code, signal) =>
      resolve({
        script,
        ok: code === 0,
        code: code ?? signal,
        seconds: Math.round((Date.now() - started) / 1000),
        output,
      }),
    );
  });
}

const report = (r) => console.log(`[test] ${r.script}: ${r.ok ? "passed" : `FAILED (${r.code})`} in ${r.seconds} s`);

const build = await run("build");
report(build);
if (!build.ok) process.exit(1);

const long = run("test:long", { quiet: true });
const results = [build];
for (const script of ["test:unit", "test:e2e"]) results.push(await run(script));
console.log("[test] waiting for test:long …");
const longResult = await long;
process.stdout.write(longResult.output);
results.push(longResult);
console.log("");
results.forEach(report);
process.exit(results.every((r) => r.ok) ? 0 : 1);
