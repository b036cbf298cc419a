// `npm run build`: next build + the server bundle, under the build lock, then the stamp (scripts/build-stamp.mjs).
// With --if-stale (used by `npm start`) it builds only when the stamp is missing or differs from the sources.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SOURCE_ROOTS, buildDecision, readState, sourceHash, withBuildLock } from "./build-stamp.mjs";

/** Sources next build itself may rewrite (it adds a custom build directory's types to tsconfig.json). */
const WRITTEN_BY_BUILD = ["tsconfig.json"];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const say = (msg) => process.stdout.write(`llmlb: ${msg}\n`);

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: process.env });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status ?? r.signal})`);
}

/** Builds when needed (or always, unless `ifStale`); returns whether it built. */
export async function build({ ifStale }) {
  const { paths } = readState(root, process.env);
  return withBuildLock(
    paths.lock,
    async () => {
      // decided inside the lock: a build that finished while we waited counts
      const current = sourceHash(root);
      const withoutWritten = () =>
        sourceHash(
          root,
          SOURCE_ROOTS.filter((r) => !WRITTEN_BY_BUILD.includes(r)),
        );
      const state = readState(root, process.env);
      const decision = ifStale
        ? buildDecision({ present: state.present, stamp: state.stamp, current })
        : { build: true, reason: "asked to build" };
      if (!decision.build) {
        say(`${decision.reason}: not building (stamp ${current.slice(0, 12)})`);
        return false;
      }
      say(`building: ${decision.reason}`);
      const started = Date.now();
      fs.rmSync(paths.stamp, { force: true }); // a build that fails half-way leaves no stamp behind
      const before = withoutWritten();
      run([path.join(root, "node_modules/next/dist/bin/next"), "build"]);
      run([path.join(root, "scripts/build-server.mjs")]);
      const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
      // the stamp describes the sources as the build left them (next build may add its types to tsconfig.json),
      // unless something else changed while it ran: then there is no stamp, and the next start builds again
      if (withoutWritten() !== before) say(`built in ${took}, but sources changed during the build: no stamp`);
      else {
        const stamp = sourceHash(root);
        fs.writeFileSync(paths.stamp, `${stamp}\n`);
        say(`built in ${took} (stamp ${stamp.slice(0, 12)})`);
      }
      return true;
    },
    { onWait: (pid) => say(`another build is running (pid ${pid}): waiting for it`) },
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build({ ifStale: process.argv.includes("--if-stale") }).catch((err) => {
    process.stderr.write(`llmlb: ${err.message}\n`);
    process.exit(1);
  });
}
