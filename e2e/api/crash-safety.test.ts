// Crash safety and graceful shutdown: kill -9 in the middle of a burst of registrations loses no
// acknowledged change and leaves a database that opens cleanly and passes integrity_check; SIGTERM lets in-flight
// requests (/v1 and /api) finish, refuses new ones, flushes the request log and exits 0.
import crypto from "node:crypto";
import { createClient } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline } from "../harness/endpoints";
import { deadUrl, startFake, startHangServer } from "../fakes/upstream";

const KEY = "sk_debug";

async function readDb(file: string, sql: string, args: Array<string | number> = []) {
  const client = createClient({ url: `file:${file}`, timeout: 10_000 });
  try {
    return (await client.execute({ sql, args })).rows;
  } finally {
    client.close();
  }
}

describe("kill -9 during a burst of endpoint registrations", () => {
  it("every acknowledged endpoint survives, nothing is half-written, and integrity_check is ok", async () => {
    const s = await startServer();
    let s2: TestServer | undefined;
    try {
      const dead = await deadUrl();
      const TOTAL = 40;
      const CONCURRENCY = 8;
      const KILL_AFTER = 14;
      const acked: Array<{ id: string; name: string; base_url: string }> = [];
      const unknown: string[] = [];
      let done = 0;
      let next = 0;
      let killed: Promise<number | null> | null = null;
      const worker = async () => {
        while (next < TOTAL && !killed) {
          const i = next++;
          const body = { name: `crash-${i}`, base_url: `${dead}/crash-${i}` };
          try {
            const r = await call(s.url, "POST", "/api/endpoints", { key: KEY, body });
            if (r.status === 201) acked.push({ id: r.body.id, name: body.name, base_url: body.base_url });
            else unknown.push(`${body.name}: ${r.status}`);
          } catch {
            unknown.push(`${body.name}: connection lost`);
          }
          if (++done === KILL_AFTER) killed = s.stop("SIGKILL");
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      expect(await killed).toBeNull(); // killed by the signal, no exit code
      expect(s.proc.signalCode).toBe("SIGKILL");
      expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER - CONCURRENCY);
      expect(acked.length).toBeLessThan(TOTAL); // the kill really was mid-burst

      const integrity = await readDb(s.dbFile, "PRAGMA integrity_check");
      expect(integrity.map((r) => r[0])).toEqual(["ok"]);

      s2 = await startServer({ dataDir: s.dataDir });
      const list = await call(s2.url, "GET", "/api/endpoints?q=crash-", { key: KEY });
      expect(list.status).toBe(200);
      const byId = new Map(list.body.endpoints.map((e: { id: string }) => [e.id, e]));
      for (const a of acked) {
        expect(byId.get(a.id), `acknowledged ${a.name} lost`).toMatchObject({ name: a.name, base_url: a.base_url });
      }
      // no partial write: each registration is its endpoint row and its audit row, or neither
      const rows = await readDb(s2.dbFile, "SELECT id FROM endpoints WHERE name LIKE 'crash-%'");
      const audits = await readDb(s2.dbFile, "SELECT target_id FROM audit_log WHERE action = 'endpoint.create'");
      expect(new Set(audits.map((r) => String(r.target_id)))).toEqual(new Set(rows.map((r) => String(r.id))));
      expect(await readDb(s2.dbFile, "PRAGMA foreign_key_check")).toEqual([]);
      // the restarted server is fully usable: writes work, and the names taken before the crash stay taken
      const again = await call(s2.url, "POST", "/api/endpoints", {
        key: KEY,
        body: { name: acked[0].name, base_url: `${dead}/other` },
      });
      expect(again.status).toBe(409);
      const fresh = await call(s2.url, "POST", "/api/endpoints", {
        key: KEY,
        body: { name: "after-crash", base_url: `${dead}/after` },
      });
      expect(fresh.status).toBe(201);
    } finally {
      await s.stop("SIGKILL");
      await s2?.stop();
    }
  }, 60_000);
});

describe("SIGTERM drains", () => {
  it("an in-flight /v1 request completes, new connections are refused, its request_log row is written, exit 0", async () => {
    const s = await startServer();
    const fake = await startFake({ kind: "openai", models: ["drain-model"] });
    try {
      await registerOnline(s.url, { name: "drain", base_url: fake.url });
      fake.setFaults({ delayMs: 1500 });
      const requestId = `drain-${crypto.randomUUID()}`;
      const inflight = call(s.url, "POST", "/v1/chat/completions", {
        key: KEY,
        headers: { "x-request-id": requestId },
        body: { model: "drain-model", messages: [{ role: "user", content: "hold on" }] },
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(fake.inflight).toBe(1);
      const exited = s.stop("SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
      // stop accepting: a new connection is refused while the old request is still being served
      await expect(fetch(`${s.url}/api/health`, { headers: { connection: "close" } })).rejects.toThrow();

      const r = await inflight;
      expect(r.status).toBe(200);
      expect(r.headers.get("x-request-id")).toBe(requestId);
      expect(r.body.choices[0].message.content).toEqual(expect.any(String));
      expect(await exited).toBe(0);

      const rows = await readDb(s.dbFile, "SELECT status, route, model FROM request_log WHERE request_id = ?", [
        requestId,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 200, route: "/v1/chat/completions", model: "drain-model" });
      expect(s.output()).toContain('"msg":"stopped"');
    } finally {
      await s.stop("SIGKILL");
      await fake.stop();
    }
  }, 30_000);

  it("an in-flight /api registration completes too, and is there after a restart", async () => {
    const hang = await startHangServer(); // type detection waits for its bound (the probe timeout, 1 s here)
    const s = await startServer({ env: { LLMLB_HEALTH_CHECK_TIMEOUT_MS: "1000" } });
    let s2: TestServer | undefined;
    try {
      const pending = call(s.url, "POST", "/api/endpoints", {
        key: KEY,
        body: { name: "slow-detect", base_url: hang.url },
      });
      await new Promise((r) => setTimeout(r, 300)); // detection is under way
      const exited = s.stop("SIGTERM");
      const r = await pending;
      expect(r.status, r.text).toBe(201);
      expect(await exited).toBe(0);
      s2 = await startServer({ dataDir: s.dataDir, env: { LLMLB_HEALTH_CHECK_TIMEOUT_MS: "1000" } });
      const list = await call(s2.url, "GET", "/api/endpoints", { key: KEY });
      expect(list.body.endpoints.map((e: { id: string }) => e.id)).toContain(r.body.id);
    } finally {
      await s.stop("SIGKILL");
      await s2?.stop();
      await hang.stop();
    }
  }, 30_000);
});
