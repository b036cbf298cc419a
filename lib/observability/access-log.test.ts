import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { AccessLog, accessLine, fdWriter, type AccessEntry } from "./access-log";
import { tempDir } from "../testing/temp-dir";

const entry: AccessEntry = {
  ts: Date.UTC(2026, 10, 27, 12, 0, 0),
  requestId: "r-1",
  principal: { kind: "api_key", id: "k1", name: "team-a", permissions: [] },
  route: "/v1/chat/completions",
  model: "llama3",
  endpoint: "gpu-1",
  status: 200,
  outcome: "success",
  durationMs: 12.5,
  ttftMs: 3.25,
  promptTokens: 7,
  completionTokens: 9,
};

describe("accessLine", () => {
  it("is one JSON line with the request's facts", () => {
    const line = accessLine(entry);
    expect(line.endsWith("\n")).toBe(true);
    expect(JSON.parse(line)).toEqual({
      ts: "2026-11-27T12:00:00.000Z",
      type: "access",
      request_id: "r-1",
      key: "team-a",
      user: null,
      route: "/v1/chat/completions",
      model: "llama3",
      endpoint: "gpu-1",
      status: 200,
      outcome: "success",
      duration_ms: 12.5,
      ttft_ms: 3.25,
      prompt_tokens: 7,
      completion_tokens: 9,
    });
  });
  it("names a user, and never prints a development key", () => {
    expect(
      JSON.parse(accessLine({ ...entry, principal: { kind: "user", id: "u", name: "alice", permissions: [] } })),
    ).toMatchObject({ key: null, user: "alice" });
    const debug = accessLine({
      ...entry,
      principal: { kind: "debug_key", id: "sk_debug", name: "sk_debug", permissions: [] },
    });
    expect(debug).not.toContain("sk_debug");
    expect(JSON.parse(debug).key).toBe("debug");
  });
});

describe("AccessLog", () => {
  it("writes what one turn produced in one write", async () => {
    const writes: string[] = [];
    const log = new AccessLog((t) => writes.push(t));
    log.add(entry);
    log.add({ ...entry, requestId: "r-2" });
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(
      writes[0]
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).request_id),
    ).toEqual(["r-1", "r-2"]);
  });
});

describe("fdWriter", () => {
  it("writes everything in order, one write in flight, what came meanwhile joined", async () => {
    const file = path.join(tempDir("llmlb-fd-"), "out");
    const fd = fs.openSync(file, "w");
    const write = fdWriter(fd);
    for (let i = 0; i < 200; i++) write(`line ${i}\n`);
    await new Promise((r) => setTimeout(r, 100));
    fs.closeSync(fd);
    expect(fs.readFileSync(file, "utf8")).toBe(Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join(""));
  });
});
