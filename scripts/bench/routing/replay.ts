// Replays a trace through the real server (dist/server.mjs) and records what each request came to.
import http from "node:http";
import type { TraceRequest } from "./trace";

export interface Outcome {
  at: number;
  status: number;
  ttftMs: number | null;
  e2eMs: number;
  endpoint: string | null;
  reason: string | null;
  code: string | null;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One streamed chat request; TTFT is the first body byte (the first SSE event). */
function send(base: URL, key: string, r: TraceRequest): Promise<Omit<Outcome, "at">> {
  const body = JSON.stringify({
    model: r.model,
    stream: true,
    max_tokens: r.maxTokens,
    messages: [{ role: "user", content: "x".repeat(r.promptTokens * 4) }],
  });
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: "POST",
        path: "/v1/chat/completions",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let ttft: number | null = null;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          ttft ??= performance.now() - t0;
          if (res.statusCode !== 200) chunks.push(c);
        });
        res.on("end", () => {
          let code: string | null = null;
          if (res.statusCode !== 200) {
            try {
              code = JSON.parse(Buffer.concat(chunks).toString()).error?.code ?? null;
            } catch {
              code = null;
            }
          }
          const header = (n: string) => (typeof res.headers[n] === "string" ? (res.headers[n] as string) : null);
          resolve({
            status: res.statusCode ?? 0,
            ttftMs: res.statusCode === 200 ? ttft : null,
            e2eMs: performance.now() - t0,
            endpoint: header("x-llmlb-endpoint-name"),
            reason: header("x-llmlb-route-reason"),
            code,
          });
        });
        res.on("error", () =>
          resolve({
            status: 0,
            ttftMs: null,
            e2eMs: performance.now() - t0,
            endpoint: null,
            reason: null,
            code: "client_error",
          }),
        );
      },
    );
    req.on("error", () =>
      resolve({
        status: 0,
        ttftMs: null,
        e2eMs: performance.now() - t0,
        endpoint: null,
        reason: null,
        code: "client_error",
      }),
    );
    req.end(body);
  });
}

/** Sends every request at its time (open loop) and waits for all of them. */
export async function replay(baseUrl: string, key: string, trace: TraceRequest[]): Promise<Outcome[]> {
  const base = new URL(baseUrl);
  const start = performance.now();
  const pending: Array<Promise<Outcome>> = [];
  for (const r of trace) {
    const wait = r.at - (performance.now() - start);
    if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
    pending.push(send(base, key, r).then((o) => ({ ...o, at: r.at })));
  }
  return Promise.all(pending);
}
