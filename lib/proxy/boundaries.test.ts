// The shape of the code, checked: lib/proxy imports nothing from Next, and only lib/runtime.ts touches globalThis.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const sources = (dir: string): string[] =>
  fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name.startsWith(".") ? [] : sources(rel);
    return /\.(ts|tsx|mjs)$/.test(e.name) && !e.name.endsWith(".test.ts") ? [rel] : [];
  });

describe("boundaries", () => {
  it("no module under lib/proxy imports next or next-auth", () => {
    const offenders = sources("lib/proxy").filter((f) =>
      /from\s+"next(-auth)?(\/[^"]*)?"/.test(fs.readFileSync(path.join(ROOT, f), "utf8")),
    );
    expect(offenders).toEqual([]);
  });
  it("only lib/runtime.ts touches globalThis", () => {
    const files = [...sources("lib"), ...sources("app"), "server.ts"];
    const offenders = files.filter(
      (f) => f !== path.join("lib", "runtime.ts") && fs.readFileSync(path.join(ROOT, f), "utf8").includes("globalThis"),
    );
    expect(offenders).toEqual([]);
  });
  it("no comment points to a spec outside the repository: the rule is stated where it is used", () => {
    const files = [...sources("lib"), ...sources("app"), ...sources("scripts"), ...sources("e2e"), "server.ts"];
    const offenders = files.filter((f) => /SPEC §\d/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
