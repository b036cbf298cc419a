// nginx (Debian package) as a plain keep-alive reverse proxy in front of `upstream`: its own config, pid, logs and
// temp paths in a temp dir, bound to 127.0.0.1 on a free port, in the foreground; never the system service.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Proc } from "../procs";
import { debianBinary, fileLimit, freePort, startOnPort } from "./system";

export async function startNginx(upstream: string): Promise<Proc | null> {
  const bin = debianBinary("nginx", ["/usr/sbin/nginx", "/usr/bin/nginx"]);
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-nginx-"));
  const port = await freePort();
  const up = new URL(upstream);
  // each proxied stream holds two descriptors; leave room under the hard limit this process was given
  const files = Math.min(fileLimit().hard, 65_536);
  const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${dir}/${t};`);
  const conf = `worker_processes auto;
worker_rlimit_nofile ${files};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${Math.floor(files / 2) - 64}; multi_accept on; }
http {
  access_log off;
  ${temps.join("\n  ")}
  upstream fake {
    server ${up.hostname}:${up.port};
    keepalive 512;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://fake;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
      proxy_send_timeout 300s;
    }
  }
}
`;
  const file = path.join(dir, "nginx.conf");
  fs.writeFileSync(file, conf);
  const proc = await startOnPort(
    "nginx",
    bin,
    ["-p", dir, "-c", file, "-e", `${dir}/error.log`, "-g", "daemon off;"],
    port,
  );
  const stop = proc.stop;
  return { ...proc, stop: () => stop().then(() => fs.rmSync(dir, { recursive: true, force: true })) };
}
