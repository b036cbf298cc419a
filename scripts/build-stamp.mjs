// The build stamp: a hash of every source file's path, size and modification time, written next to the build
// once it succeeds. `npm start` builds only when the stamp is missing or differs (scripts/start.mjs), so a
// restart with an up-to-date build skips the ~60 s `next build`; touching a source file makes it build again.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** What the build reads: a change to any of these can change the build. */
export const SOURCE_ROOTS = [
  "app",
  "lib",
  "public",
  "drizzle",
  "server.ts",
  "next.config.mjs",
  "tsconfig.json",
  "postcss.config.mjs",
  "package.json",
  "package-lock.json",
  "scripts/build-server.mjs",
  "scripts/build.mjs",
  "scripts/build-stamp.mjs",
];

function* walk(root, rel) {
  const full = path.join(root, rel);
  let st;
  try {
    st = fs.statSync(full);
  } catch {
    return; // an optional root (public/) may be absent
  }
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(full).sort()) yield* walk(root, path.join(rel, name));
  } else if (st.isFile()) yield { rel, size: st.size, mtimeMs: st.mtimeMs };
}

/** The sources' hash. Pure apart from reading the file tree's metadata (no contents: ~10 ms for the tree). */
export function sourceHash(root, roots = SOURCE_ROOTS) {
  const h = crypto.createHash("sha256");
  for (const r of roots) for (const f of walk(root, r)) h.update(`${f.rel}\0${f.size}\0${Math.trunc(f.mtimeMs)}\n`);
  return h.digest("hex");
}

/** Where a build lives: the Next build, the bundled server and the stamp beside it. */
export function buildPaths(root, environment) {
  const nextDir = path.resolve(root, environment.LLMLB_NEXT_DIST_DIR || ".next");
  const serverOut = path.resolve(root, environment.LLMLB_SERVER_OUT || "dist/server.mjs");
  const outDir = path.dirname(serverOut);
  return { nextDir, serverOut, stamp: path.join(outDir, ".build-stamp"), lock: `${outDir}.build-lock` };
}

/**
 * Whether to build, and why (for the log). Pure: `present` says whether the Next build and the server bundle
 * exist, `stamp` is the stored hash (or null), `current` the sources' hash now.
 */
export function buildDecision({ present, stamp, current }) {
  if (!present) return { build: true, reason: "no build yet" };
  if (!stamp) return { build: true, reason: "the build has no stamp" };
  if (stamp !== current) return { build: true, reason: "sources changed since the last build" };
  return { build: false, reason: "build is up to date" };
}

export function readState(root, environment) {
  const p = buildPaths(root, environment);
  const present = fs.existsSync(path.join(p.nextDir, "BUILD_ID")) && fs.existsSync(p.serverOut);
  let stamp = null;
  try {
    stamp = fs.readFileSync(p.stamp, "utf8").trim() || null;
  } catch {}
  return { paths: p, present, stamp };
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
};

/**
 * Runs `fn` holding the build lock (a file created exclusively, holding the owner's pid). Another process
 * waits for it; a lock left by a dead process is taken over. Two instances started at once never build over
 * each other: the second waits, then finds the stamp current and skips its own build.
 */
export async function withBuildLock(lockFile, fn, { pollMs = 250, onWait = () => {} } = {}) {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      const owner = Number(fs.readFileSync(lockFile, "utf8").trim() || 0);
      if (owner && !alive(owner)) {
        fs.rmSync(lockFile, { force: true }); // left by a build that died; the next loop takes it
        continue;
      }
      if (!told) onWait(owner);
      told = true;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
