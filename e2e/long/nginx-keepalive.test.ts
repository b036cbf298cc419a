// SSE keep-alive: behind nginx with a 60 s read timeout and no buffering, a stream whose first token comes
// after 120 s succeeds with keep-alive on, and fails with LLMLB_SSE_KEEPALIVE_SECS=0. The test runs its own nginx
// (the Debian package's binary, a temp config on 127.0.0.1), never the system service.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";
import { post } from "./post";
import { tempDir } from "../../lib/testing/temp-dir";

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => fs.existsSync(p)) ?? "nginx";
const servers: TestServer[] = [];
const nginxes: ChildProcess[] = [];
let fake: FakeUpstream;

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

/** nginx in front of `upstreamPort`, as a reverse proxy commonly is: 60 s read timeout, no buffering. */
async function startNginx(upstreamPort: number): Promise<string> {
  const dir = tempDir("llmlb-nginx-");
  const port = await freePort();
  const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `${t}_temp_path ${dir}/${t};`)
    .join("\n    ");
  fs.writeFileSync(
    path.join(dir, "nginx.conf"),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
    access_log off;
    ${temps}
    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://127.0.0.1:${upstreamPort};
            proxy_http_version 1.1;
            proxy_read_timeout 60s;
            proxy_buffering off;
        }
    }
}
`,
  );
  const proc = spawn(NGINX, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")], {
    stdio: "ignore",
  });
  nginxes.push(proc);
  await waitFor(
    () =>
      new Promise((r) =>
        net
          .connect(port, "127.0.0.1")
          .once("connect", function (this: net.Socket) {
            this.destroy();
            r(true);
          })
          .once("error", () => r(false)),
      ),
    10_000,
  );
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  fake = await startFake({ kind: "vllm", models: ["slow-think"], faults: { delayMs: 120_000 } });
});
afterAll(async () => {
  for (const p of nginxes) p.kill("SIGTERM");
  await Promise.all(servers.map((s) => s.stop()));
  await fake?.stop();
});

/** The text of an OpenAI event stream (its content deltas, joined). */
const content = (sse: string) =>
  sse
    .split("\n")
    .filter((l) => l.startsWith("data: {"))
    .map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.content ?? "")
    .join("");

async function streamThroughNginx(keepAliveSecs: string) {
  const s = await startServer({ env: { LLMLB_SSE_KEEPALIVE_SECS: keepAliveSecs } });
  servers.push(s);
  await registerOnline(s.url, { name: "slow-think", base_url: fake.url, inference_timeout_secs: 600 });
  const front = await startNginx(s.port);
  const t0 = Date.now();
  const r = await post(`${front}/v1/chat/completions`, {
    model: "slow-think",
    stream: true,
    messages: [{ role: "user", content: "think" }],
  });
  return { ...r, seconds: (Date.now() - t0) / 1000 };
}

it("first token after 120 s behind nginx (proxy_read_timeout 60s): succeeds with keep-alive, fails without", async () => {
  const [on, off] = await Promise.all([streamThroughNginx("15"), streamThroughNginx("0")]);
  // keep-alive on: comments every 15 s keep nginx reading; the whole answer arrives, ending in [DONE]
  expect(on.status).toBe(200);
  expect(on.text).toContain(": keep-alive");
  expect(content(on.text)).toBe(fake.text);
  expect(on.text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  expect(on.seconds).toBeGreaterThanOrEqual(120);
  // keep-alive off: nginx gives up after 60 s of silence, the client gets its 504 and never a token
  expect(off.status).toBe(504);
  expect(content(off.text)).toBe("");
  expect(off.seconds).toBeLessThan(100);
}, 300_000);
