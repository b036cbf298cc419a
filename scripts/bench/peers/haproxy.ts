// HAProxy (Debian package) as a plain HTTP reverse proxy in front of `upstream`: its own config in a temp dir,
// bound to 127.0.0.1 on a free port, in the foreground (-db), server connections reused; never the system service.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Proc } from "../procs";
import { debianBinary, fileLimit, freePort, startOnPort } from "./system";

export async function startHaproxy(upstream: string): Promise<Proc | null> {
  const bin = debianBinary("haproxy", ["/usr/sbin/haproxy", "/usr/bin/haproxy"]);
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-haproxy-"));
  const port = await freePort();
  const up = new URL(upstream);
  // two descriptors a proxied connection, some spare: HAProxy refuses a maxconn its file limit cannot hold
  const maxconn = Math.floor((Math.min(fileLimit().hard, 65_536) - 200) / 2);
  const cfg = `global
  maxconn ${maxconn}
  nbthread ${os.cpus().length}
  pidfile ${dir}/haproxy.pid

defaults
  mode http
  option http-keep-alive
  option http-no-delay
  http-reuse always
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-request 60s
  timeout http-keep-alive 60s

frontend bench
  bind 127.0.0.1:${port}
  maxconn ${maxconn}
  default_backend fake

backend fake
  server fake ${up.hostname}:${up.port}
`;
  const file = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(file, cfg);
  const proc = await startOnPort("haproxy", bin, ["-f", file, "-db"], port);
  const stop = proc.stop;
  return { ...proc, stop: () => stop().then(() => fs.rmSync(dir, { recursive: true, force: true })) };
}
