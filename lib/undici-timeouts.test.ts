// Timeouts are ours: every undici call site sets its header and body timeouts; none inherits undici's
// 300 s defaults. A static scan of the program's sources (tests aside) plus the option objects themselves.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { POOL_OPTIONS } from "./proxy/forward";
import { MANAGEMENT_AGENT_OPTIONS } from "./endpoints/upstream-http";

const root = path.resolve(__dirname, "..");
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" ? [] : sources(p);
    return /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [p] : [];
  });
}
const files = [...sources(path.join(root, "lib")), ...sources(path.join(root, "app")), path.join(root, "server.ts")];
const sites = (re: RegExp) =>
  files.flatMap((f) => {
    const text = fs.readFileSync(f, "utf8");
    return [...text.matchAll(re)].map((m) => ({
      file: path.relative(root, f),
      call: text.slice(m.index, text.indexOf(";", m.index) + 1),
    }));
  });

describe("undici call sites", () => {
  it("the pools and the management agent set both timeouts", () => {
    for (const o of [POOL_OPTIONS, MANAGEMENT_AGENT_OPTIONS]) {
      expect(o.headersTimeout).toBeGreaterThan(0);
      expect(o.bodyTimeout).toBeGreaterThan(0);
    }
  });

  it("every Pool, Agent or Client is built from options that set both timeouts", () => {
    const built = sites(/new (Pool|Agent|Client|ProxyAgent)\(/g);
    expect(built.length).toBeGreaterThanOrEqual(2);
    for (const s of built)
      expect(s.call, s.file).toMatch(/POOL_OPTIONS|MANAGEMENT_AGENT_OPTIONS|headersTimeout[\s\S]*bodyTimeout/);
  });

  it("every dispatch sets its own timeouts", () => {
    const calls = sites(/\.dispatch\(\s*\{/g);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const s of calls) expect(s.call, s.file).toMatch(/\.\.\.timeouts|headersTimeout[\s\S]*bodyTimeout/);
  });

  it("every fetch to an upstream goes through a dispatcher with the call's timeouts", () => {
    const calls = sites(/(?<![\w.])fetch\(/g).filter((s) => !s.file.startsWith("app/"));
    for (const s of calls) expect(s.call, s.file).toMatch(/dispatcher: callTimeouts\(/);
  });

  it("undici's request/stream helpers are not used without timeouts", () => {
    for (const s of sites(/(?<![\w.])(request|stream|pipeline)\(\s*[^)]/g).filter(
      (x) =>
        /from "undici"/.test(fs.readFileSync(path.join(root, x.file), "utf8")) &&
        /import \{[^}]*\b(request|stream|pipeline)\b[^}]*\} from "undici"/.test(
          fs.readFileSync(path.join(root, x.file), "utf8"),
        ),
    )) {
      expect(s.call, s.file).toMatch(/headersTimeout[\s\S]*bodyTimeout/);
    }
  });
});
