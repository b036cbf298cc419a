// npx tsx scripts/bench/profile.ts [--cpu-prof] [--only plain|stream] [--node-arg=--flag ...] — server CPU time per proxied request under load, and
// optionally a V8 CPU profile of the server (written to bench-results/profile/). A steadier figure than
// throughput on a busy machine, for working on the hot path.
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, cpuMs, cpuMsByThread, startFakeProcess, startServerProcess } from "./procs";
import { throughput } from "./load";

const { values } = parseArgs({
  options: {
    "cpu-prof": { type: "boolean" },
    seconds: { type: "string", default: "5" },
    only: { type: "string" },
    "node-arg": { type: "string", multiple: true, default: [] },
  },
});
const seconds = Number(values.seconds);
const profDir = path.join(ROOT, "bench-results/profile");

const fake = await startFakeProcess(["--kind", "openai", "--models", "m", "--chunks", "20", "--port", "0"]);
const server = await startServerProcess({}, [
  ...values["node-arg"],
  ...(values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
]);
const post = (p: string, body: unknown) =>
  fetch(server.url + p, {
    method: "POST",
    headers: { authorization: "Bearer sk_debug", "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then((r) => r.json());
await post("/api/endpoints", { name: "p", base_url: fake.url });
await new Promise((r) => setTimeout(r, 1500));
const { key } = (await post("/api/api-keys", { name: "p", permissions: ["openai.inference"] })) as { key: string };
const target = { label: "lb" as const, url: server.url, headers: { authorization: `Bearer ${key}` } };
for (const [mode, stream] of (
  [
    ["plain", false],
    ["stream", true],
  ] as const
).filter(([m]) => !values.only || m === values.only)) {
  const body = JSON.stringify({ model: "m", stream, messages: [{ role: "user", content: "hi" }] });
  await throughput(target, "/v1/chat/completions", body, 20, 1);
  const c0 = cpuMs(server.pid);
  const t0 = cpuMsByThread(server.pid);
  const r = await throughput(target, "/v1/chat/completions", body, 20, seconds);
  const perReq = (cpuMs(server.pid) - c0) / r.total;
  const t1 = cpuMsByThread(server.pid);
  const split = Object.entries(t1)
    .map(([name, ms]) => [name, ((ms - (t0[name] ?? 0)) * 1000) / r.total] as const)
    .filter(([, us]) => us >= 1)
    .map(([name, us]) => `${name} ${us.toFixed(0)}`)
    .join(", ");
  console.log(
    `${mode}: ${r.total} requests, ${Math.round(r.rps)} req/s, server CPU ${(perReq * 1000).toFixed(0)} µs/request (${split}), errors ${r.errors + r.non2xx}`,
  );
}
await server.stop();
await fake.stop();
if (values["cpu-prof"]) console.log(`profile written to ${profDir}`);
