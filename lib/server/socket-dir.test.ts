import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeSocketDir, staleSocketDirs } from "./socket-dir";

describe("staleSocketDirs", () => {
  it("picks only our directories whose process is dead, never this process's", () => {
    const names = [
      "llmlb-ctl-100-abcDEF",
      "llmlb-ctl-200-a1b2c3",
      "llmlb-ctl-300-zzzzzz",
      "llmlb-test-abc123",
      "llmlb-Xy12ab",
      "llmlb-ctl-x-abcdef",
      "llmlb-ctl-400-short",
    ];
    expect(staleSocketDirs(names, (pid) => pid === 200, 300)).toEqual(["llmlb-ctl-100-abcDEF"]);
  });
});

describe("makeSocketDir", () => {
  it("names the directory after this process, 0700, and removes a dead process's", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "socket-dir-test-"));
    try {
      // a pid above the kernel's pid_max cannot be alive
      const stale = path.join(tmp, "llmlb-ctl-99999999-abcdef");
      fs.mkdirSync(stale, { mode: 0o700 });
      fs.writeFileSync(path.join(stale, "control.sock"), "");
      const live = path.join(tmp, `llmlb-ctl-${process.ppid}-ghijkl`);
      fs.mkdirSync(live);
      const dir = makeSocketDir(tmp);
      expect(path.basename(dir)).toMatch(new RegExp(`^llmlb-ctl-${process.pid}-`));
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.existsSync(stale)).toBe(false);
      expect(fs.existsSync(live)).toBe(true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
