// How the server is launched: the environment and node flags of `npm run serve` in package.json, the one place they
// are written. The benchmarks and the test harness start `dist/server.mjs` the same way, so that they measure and
// test what `npm start` / `npm run serve` run.
import fs from "node:fs";
import path from "node:path";

export interface Launch {
  env: Record<string, string>;
  nodeArgs: string[];
}

/** `VAR=value … node --flag … script` of one package.json script, split into its parts. */
export function launchOf(command: string): Launch & { script: string } {
  const words = command.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i]); i++) {
    const eq = words[i].indexOf("=");
    env[words[i].slice(0, eq)] = words[i].slice(eq + 1);
  }
  if (words[i] !== "node") throw new Error(`expected "node" after the environment in: ${command}`);
  const nodeArgs: string[] = [];
  for (i++; i < words.length && words[i].startsWith("-"); i++) nodeArgs.push(words[i]);
  if (i !== words.length - 1) throw new Error(`expected one script after the node flags in: ${command}`);
  return { env, nodeArgs, script: words[i] };
}

/** The launch of `npm run serve` (env without NODE_ENV, which every caller sets itself). */
export function serverLaunch(root = path.resolve(import.meta.dirname, "..")): Launch {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const { env, nodeArgs } = launchOf(pkg.scripts.serve);
  delete env.NODE_ENV;
  return { env, nodeArgs };
}
