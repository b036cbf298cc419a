// The one process: validates configuration, opens and migrates the database, and serves /v1 and /metrics from
// a plain node:http handler on the main thread. Next (dashboard and /api) and the scheduled jobs run in the
// control thread (lib/server/control-worker.ts), which gets every other path; in development (LLMLB_DEV=1)
// they run in this thread instead, for Next's hot reload.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, env, exportAuthEnv } from "./lib/env";
import { bootDataPlane, startControlServices } from "./lib/server/boot";
import { startControlThread } from "./lib/server/control-thread";
import { installShutdown } from "./lib/server/shutdown";
import { routeRequest } from "./lib/server/router";
import { log } from "./lib/observability/logger";
import { dashboardUrl, startupHint } from "./lib/onboarding/startup";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main() {
  const config = env();
  exportAuthEnv(config);
  const dev = process.env.LLMLB_DEV === "1";
  const services = await bootDataPlane({ migrationsFolder: path.join(root, "drizzle/migrations") });
  let nextHandler: (req: IncomingMessage, res: ServerResponse) => void;
  if (dev) {
    const { default: next } = await import("next");
    const app = next({ dev, dir: root, hostname: config.LLMLB_HOST, port: config.LLMLB_PORT });
    await app.prepare();
    const handle = app.getRequestHandler();
    nextHandler = (req, res) => void handle(req, res);
    services.push(...(await startControlServices()));
  } else {
    const control = await startControlThread(root);
    nextHandler = control.forward;
    services.unshift(control.service); // stopped last: it writes what the others flush
  }

  const server = http.createServer((req, res) => routeRequest(req, res, nextHandler));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.LLMLB_PORT, config.LLMLB_HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.LLMLB_PORT;
  log.info("llmlb listening", { url: `http://${config.LLMLB_HOST}:${port}`, database: config.LLMLB_DATABASE_URL.split("?")[0], dev });
  const dashboard = dashboardUrl({ host: config.LLMLB_HOST, port, publicUrl: config.LLMLB_PUBLIC_URL });
  log.info(startupHint({ url: dashboard, debugKeys: config.LLMLB_DEBUG_KEYS }), { dashboard });
  process.stdout.write(`LLMLB_READY port=${port}\n`);
  installShutdown({ server, services });
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(`llmlb: ${err.message}\n`);
  else process.stderr.write(`llmlb: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
