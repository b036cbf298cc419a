import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { buildDecision, sourceHash, withBuildLock } from "./build-stamp.mjs";

describe("buildDecision", () => {
  it.each([
    [{ present: false, stamp: "a", current: "a" }, true, "no build yet"],
    [{ present: true, stamp: null, current: "a" }, true, "the build has no stamp"],
    [{ present: true, stamp: "a", current: "b" }, true, "sources changed since the last build"],
    [{ present: true, stamp: "a", current: "a" }, false, "build is up to date"],
  ])("%o → build %s", (input, build, reason) => {
    expect(buildDecision(input)).toEqual({ build, reason });
  });
});

describe("sourceHash", () => {
  it("changes when a file is touched, added or edited, and not otherwise", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stamp-"));
    fs.mkdirSync(path.join(dir, "lib"));
    fs.writeFileSync(path.join(dir, "lib/a.ts"), "a");
    const roots = ["lib", "missing.ts"];
    const h1 = sourceHash(dir, roots);
    expect(sourceHash(dir, roots)).toBe(h1);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(dir, "lib/a.ts"), later, later);
    const h2 = sourceHash(dir, roots);
    expect(h2).not.toBe(h1);
    fs.writeFileSync(path.join(dir, "lib/b.ts"), "b");
    expect(sourceHash(dir, roots)).not.toBe(h2);
  });
});

describe("withBuildLock", () => {
  it("runs holders one at a time and takes over a lock whose owner is dead", async () => {
    const lock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lock-")), "dist.build-lock");
    const events: string[] = [];
    const job = (name: string) =>
      withBuildLock(
        lock,
        async () => {
          events.push(`${name}+`);
          await new Promise((r) => setTimeout(r, 50));
          events.push(`${name}-`);
        },
        { pollMs: 10 },
      );
    await Promise.all([job("a"), job("b")]);
    expect(events.join(" ")).toMatch(/^(a\+ a- b\+ b-|b\+ b- a\+ a-)$/);
    fs.writeFileSync(lock, "999999999"); // no such process
    await job("c");
    expect(fs.existsSync(lock)).toBe(false);
  });
});
