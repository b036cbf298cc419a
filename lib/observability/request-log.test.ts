import { describe, expect, it } from "vitest";
import type { InValue } from "@libsql/client";
import { COLUMNS, RequestLogWriter } from "./request-log";

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
    };
    w.add(row);
    w.add({ ts: 2, requestId: "s", route: "/v1/models", status: 404, durationMs: 1 });
    expect(w.pending).toBe(2);
    await w.flush();
    expect(batches).toHaveLength(1);
    const expected = (r: Record<string, unknown>) => COLUMNS.map(([, f]) => (typeof r[f] === "boolean" ? (r[f] ? 1 : 0) : (r[f] ?? (f === "retries" ? 0 : null))));
    expect(batches[0]).toEqual({ rows: 2, args: [...expected(row), ...expected({ ts: 2, requestId: "s", route: "/v1/models", status: 404, durationMs: 1, tokensEstimated: false, stream: false })] });
  });
});
