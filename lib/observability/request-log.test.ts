import path from "node:path";
import { describe, expect, it } from "vitest";
import type { InValue } from "@libsql/client";
import { openDatabase } from "../db/client";
import { applyMigrations } from "../db/migrate";
import { COLUMNS, RequestLogWriter, insertNative, triedJson } from "./request-log";
import { tempDir } from "../testing/temp-dir";

describe("RequestLogWriter", () => {
  it("queues a row's values in COLUMNS order, booleans as 0/1 and missing fields as null", async () => {
    const batches: Array<{ args: InValue[]; rows: number }> = [];
    const w = new RequestLogWriter(async (args, rows) => void batches.push({ args, rows }));
    const row = {
      ts: 1,
      requestId: "r",
      apiKeyId: "k",
      userId: null,
      clientIp: "127.0.0.1",
      route: "/v1/chat/completions",
      model: "m",
      endpointId: "e",
      status: 200,
      durationMs: 2.5,
      ttftMs: 1.5,
      promptTokens: 3,
      completionTokens: 4,
      tokensEstimated: true,
      stream: false,
      retries: 1,
      errorCode: "x",
      outcome: "error" as const,
    };
    w.add(row);
    w.add({ ts: 2, requestId: "s", route: "/v1/models", status: 404, durationMs: 1 });
    expect(w.pending).toBe(2);
    await w.flush();
    expect(batches).toHaveLength(1);
    const expected = (r: Record<string, unknown>) =>
      COLUMNS.map(([, f]) => (typeof r[f] === "boolean" ? (r[f] ? 1 : 0) : (r[f] ?? (f === "retries" ? 0 : null))));
    expect(batches[0]).toEqual({
      rows: 2,
      args: [
        ...expected(row),
        ...expected({
          ts: 2,
          requestId: "s",
          route: "/v1/models",
          status: 404,
          durationMs: 1,
          tokensEstimated: false,
          stream: false,
        }),
      ],
    });
  });
});

describe("RequestLogWriter batches", () => {
  it("sends a batch as soon as it holds 500 rows, never a larger one", async () => {
    const rows: number[] = [];
    const w = new RequestLogWriter(async (args, n) => {
      expect(args).toHaveLength(n * COLUMNS.length);
      rows.push(n);
    });
    for (let i = 0; i < 1200; i++)
      w.add({ ts: i, requestId: `r${i}`, route: "/v1/models", status: 200, durationMs: 1 });
    await new Promise((r) => setImmediate(r)); // well before the 200 ms timer
    // the first full batch left at once; what came while it was sent left after it, in batches of at most 500
    expect(rows).toEqual([500, 500, 200]);
    expect(w.pending).toBe(0);
    for (let i = 0; i < 10; i++) w.add({ ts: i, requestId: `s${i}`, route: "/v1/models", status: 200, durationMs: 1 });
    await new Promise((r) => setImmediate(r));
    expect(w.pending).toBe(10); // a batch not full waits for the timer (or a flush)
    await w.flush();
    expect(rows).toEqual([500, 500, 200, 10]);
  });
});

describe("insertNative", () => {
  const values = (i: number): InValue[] => [
    i,
    `r${i}`,
    null,
    null,
    "127.0.0.1",
    "/v1/chat/completions",
    "m",
    "e",
    200,
    1.5,
    null,
    3,
    4,
    0,
    1,
    0,
    "e2",
    null,
    "success",
    "ep",
    JSON.stringify(["e"]),
  ];

  it("writes whole batches and the rest, every value in its column; a failing batch writes nothing", async () => {
    const dir = tempDir("llmlb-log-");
    const file = path.join(dir, "t.db");
    const database = await openDatabase(`file:${file}`);
    await applyMigrations(database, path.resolve("drizzle/migrations"), "test");
    const sink = insertNative(file);
    await sink(Array.from({ length: 623 }, (_, i) => values(i)).flat(), 623); // 500 + 100 + 20 rows, then 3 one by one
    const count = async () =>
      Number((await database.client.execute("SELECT count(*) AS n FROM request_log")).rows[0].n);
    expect(await count()).toBe(623);
    await sink(Array.from({ length: 500 }, (_, i) => values(2000 + i)).flat(), 500); // one statement, the batch as it is
    expect(await count()).toBe(1123);
    const last = (await database.client.execute("SELECT ts FROM request_log WHERE request_id = 'r622'")).rows[0];
    expect(last.ts).toBe(622);
    const row = (await database.client.execute("SELECT * FROM request_log WHERE request_id = 'r149'")).rows[0];
    expect({
      ts: row.ts,
      status: row.status,
      duration: row.duration_ms,
      stream: row.stream,
      completion: row.completion_tokens,
      ttft: row.ttft_ms,
      resumed: row.resumed_endpoint_id,
    }).toEqual({ ts: 149, status: 200, duration: 1.5, stream: 1, completion: 4, ttft: null, resumed: "e2" });

    const bad = Array.from({ length: 150 }, (_, i) => values(1000 + i));
    bad[120][5] = null; // route is NOT NULL
    await expect(sink(bad.flat(), 150)).rejects.toThrow();
    expect(await count()).toBe(1123);
    sink.close!();
    database.client.close();
  });
});

describe("triedJson", () => {
  it("is the JSON of the ids, null when none", () => {
    for (const tried of [["0b0f8c1e-7d4f-4a59-9f5e-2d1c7e9b1a00"], ["a", "b-c"], ['we"ird\\id'], ["é"]])
      expect(JSON.parse(triedJson(tried)!)).toEqual(tried);
    expect(triedJson(["a"])).toBe(JSON.stringify(["a"]));
    expect(triedJson([])).toBeNull();
    expect(triedJson(null)).toBeNull();
  });
});
