// Large registries for the scale measurements: 1,000 endpoints × N models inserted straight into the
// database (registration through the API would probe each one), answered by one tiny loopback server.
import http from "node:http";
import crypto from "node:crypto";
import path from "node:path";
import { createClient } from "@libsql/client";

/**
 * Answers `/<anything>/v1/models` with a small model list, for thousands of path-distinct endpoints, and
 * `/<anything>/api/ps` with one loaded model (Ollama's telemetry); `GET /hits` says how many requests it answered
 * (for a benchmark that runs it in a process of its own: scripts/bench/prefix-server.ts).
 */
export function startPrefixServer(): Promise<{ url: string; hits: () => number; stop(): Promise<void> }> {
  let hits = 0;
  const body = JSON.stringify({ object: "list", data: [{ id: "m", object: "model", owned_by: "bench" }] });
  const PS = JSON.stringify({
    models: [
      { name: "m", model: "m", size: 1e9, size_vram: 1e9, expires_at: "2099-01-01T00:00:00Z", context_length: 8192 },
    ],
  });
  const server = http.createServer((req, res) => {
    if (req.url === "/hits") return void res.end(String(hits));
    hits++;
    if (req.url?.endsWith("/api/ps"))
      return void res
        .writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(PS) })
        .end(PS);
    res.writeHead(req.url?.endsWith("/v1/models") ? 200 : 404, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        hits: () => hits,
        stop: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
      });
    }),
  );
}

/** Inserts `count` online endpoints with `models` models each, then bumps the registry version. */
export async function insertFleet(
  dataDir: string,
  baseUrl: string,
  count: number,
  models: number,
  intervalSecs: number,
  type = "openai_compatible",
): Promise<void> {
  const db = createClient({ url: `file:${path.join(dataDir, "llmlb.db")}`, timeout: 10_000 });
  const now = Date.now();
  const stmts = [];
  for (let i = 0; i < count; i++) {
    const id = crypto.randomUUID();
    stmts.push({
      sql: `INSERT INTO endpoints (id, name, base_url, status, endpoint_type, health_check_interval_secs, inference_timeout_secs, consecutive_failures, registered_at, updated_at, models_synced_at)
            VALUES (?, ?, ?, 'online', ?, ?, 120, 0, ?, ?, ?)`,
      args: [id, `fleet-${i}`, `${baseUrl}/n/${i}`, type, intervalSecs, now, now, now],
    });
    for (let m = 0; m < models; m++) {
      stmts.push({
        sql: "INSERT INTO endpoint_models (endpoint_id, model_id, capabilities, context_length, synced_at) VALUES (?, ?, '[\"chat\"]', 8192, ?)",
        args: [id, `model-${i % 100}-${m}`, now],
      });
    }
  }
  for (let i = 0; i < stmts.length; i += 2000) await db.batch(stmts.slice(i, i + 2000), "write");
  await db.execute(
    "INSERT INTO meta (key, value) VALUES ('registry_version', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
  );
  db.close();
}
