// The least a Node proxy can do per request, for the ceiling measurement (scripts/bench/ceiling.ts): node:http in,
// one undici Pool out, the body read whole and written back. No auth, routing, accounting or logging.
// "stream" relays the body chunk by chunk as it comes (what a streaming proxy must do at least).
//   node scripts/bench/minimal-proxy.mjs <upstream-url> request|dispatch|stream
import http from "node:http";
import { Pool } from "undici";

const [upstream, mode = "request"] = process.argv.slice(2);
// no cap on upstream connections, as in the load balancer (lib/proxy/forward.ts): thousands of streams each hold one
const pool = new Pool(upstream, { connections: null, pipelining: 1 });
const HEADERS = { "content-type": "application/json" };

function viaRequest(req, res, body) {
  pool.request({ path: req.url, method: "POST", headers: HEADERS, body }).then(
    async (r) => {
      const chunks = [];
      for await (const c of r.body) chunks.push(c);
      const out = Buffer.concat(chunks);
      res.writeHead(r.statusCode, { "content-type": r.headers["content-type"], "content-length": out.length });
      res.end(out);
    },
    () => res.destroy(),
  );
}

function viaDispatch(req, res, body) {
  const chunks = [];
  let status = 502;
  let type = "application/json";
  pool.dispatch(
    { path: req.url, method: "POST", headers: HEADERS, body },
    {
      onRequestStart() {},
      onResponseStart(_c, statusCode, headers) {
        status = statusCode;
        type = headers["content-type"] ?? type;
      },
      onResponseData(_c, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        const out = Buffer.concat(chunks);
        res.writeHead(status, { "content-type": type, "content-length": out.length });
        res.end(out);
      },
      onResponseError() {
        res.destroy();
      },
    },
  );
}

function viaStream(req, res, body) {
  pool.dispatch(
    { path: req.url, method: "POST", headers: HEADERS, body },
    {
      onRequestStart() {},
      onResponseStart(_c, statusCode, headers) {
        res.writeHead(statusCode, { "content-type": headers["content-type"] ?? "application/json" });
      },
      onResponseData(_c, chunk) {
        res.write(chunk);
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError() {
        res.destroy();
      },
    },
  );
}

const forward = mode === "dispatch" ? viaDispatch : mode === "stream" ? viaStream : viaRequest;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => forward(req, res, Buffer.concat(chunks)));
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () =>
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`),
);
process.once("SIGTERM", () => process.exit(0));
