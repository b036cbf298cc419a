import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { launchOf, serverLaunch } from "./launch";

const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../package.json"), "utf8"));

describe("launchOf", () => {
  it("splits environment, node flags and the script", () => {
    expect(launchOf("A=1 B_2=x node --f=4 --g dist/s.mjs")).toEqual({
      env: { A: "1", B_2: "x" },
      nodeArgs: ["--f=4", "--g"],
      script: "dist/s.mjs",
    });
    expect(launchOf("node s.mjs")).toEqual({ env: {}, nodeArgs: [], script: "s.mjs" });
  });
  it("refuses what it cannot read", () => {
    expect(() => launchOf("tsx s.ts")).toThrow(/expected "node"/);
    expect(() => launchOf("node s.mjs --port 1")).toThrow(/one script/);
  });
});

describe("package.json", () => {
  it("starts and serves with the same environment and flags", () => {
    const start = launchOf(pkg.scripts.start);
    const serve = launchOf(pkg.scripts.serve);
    expect(start.script).toBe("scripts/start.mjs");
    expect(serve.script).toBe("dist/server.mjs");
    expect(start.nodeArgs).toEqual(serve.nodeArgs);
    const { NODE_ENV, ...serveEnv } = serve.env;
    expect(NODE_ENV).toBe("production");
    expect(start.env).toEqual(serveEnv);
    expect(serverLaunch()).toEqual({ env: serveEnv, nodeArgs: serve.nodeArgs });
  });
});
