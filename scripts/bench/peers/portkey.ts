// The Portkey gateway (npm), pinned to a version that streams, installed into the bench's own cache
// (bench-results/.peers/portkey, never the project's package.json) when missing, listening on 127.0.0.1 only, with
// the fake as an OpenAI-compatible provider on a custom host (headers `x-portkey-provider` / `x-portkey-custom-host`).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, type Proc } from "../procs";
import { freePort, log, startOnPort } from "./system";

export const PORTKEY_VERSION = "1.15.2";
// @hono/node-server after 1.14.1 breaks the gateway's streaming (answers are held back until the end)
const HONO_NODE_SERVER = "1.14.1";
const DIR = path.join(ROOT, "bench-results/.peers/portkey");
const ENTRY = path.join(DIR, "node_modules/@portkey-ai/gateway/build/start-server.js");

const installed = (pkg: string) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(DIR, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
};

function install(): boolean {
  if (installed("@portkey-ai/gateway") === PORTKEY_VERSION && installed("@hono/node-server") === HONO_NODE_SERVER)
    return true;
  log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${path.relative(ROOT, DIR)} (npm)`);
  fs.mkdirSync(DIR, { recursive: true });
  const manifest = {
    name: "llmlb-bench-portkey",
    private: true,
    dependencies: { "@portkey-ai/gateway": PORTKEY_VERSION, "@hono/node-server": HONO_NODE_SERVER },
    overrides: { "@hono/node-server": HONO_NODE_SERVER },
  };
  fs.writeFileSync(path.join(DIR, "package.json"), JSON.stringify(manifest, null, 2));
  const npm = spawnSync("npm", ["install", "--prefix", DIR, "--no-audit", "--no-fund", "--ignore-scripts"], {
    stdio: "inherit",
  });
  return npm.status === 0 && fs.existsSync(ENTRY);
}

export interface Portkey {
  proc: Proc;
  /** What a request to it carries so that it proxies to `upstream`. */
  headers: Record<string, string>;
}

export async function startPortkey(upstream: string): Promise<Portkey | null> {
  if (!install()) {
    log(
      `the Portkey gateway could not be installed: npm install --prefix ${DIR} @portkey-ai/gateway@${PORTKEY_VERSION}`,
    );
    return null;
  }
  const port = await freePort();
  const proc = await startOnPort(
    "portkey",
    process.execPath,
    ["--import", path.join(import.meta.dirname, "loopback.mjs"), ENTRY, `--port=${port}`, "--headless"],
    port,
    { PATH: process.env.PATH, NODE_ENV: "production" },
  );
  return {
    proc,
    headers: {
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${upstream}/v1`,
      authorization: "Bearer sk-bench",
    },
  };
}
