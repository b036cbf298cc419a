// Start one fake upstream from the command line, print {"url","kind"} as one JSON line, run until SIGTERM/SIGINT.
// npx tsx e2e/fakes/cli.ts --kind ollama --port 11434 --models llama3.1:8b,nomic-embed-text [--api-key K]
//   [--chunks 20] [--chunk-delay-ms 0] [--delay-ms 0] [--completion-tokens 10] [--name NAME] [--backlog 511]
//   [--stamp-chunks]
// (--chunks 300 --chunk-delay-ms 200: a 60 s stream; --stamp-chunks: each chunk after `: t=NS`, its write time)
import { parseArgs } from "node:util";
import { FAKE_KINDS } from "./types";
import { type FakeKind, startFake } from "./upstream";

const { values } = parseArgs({
  options: {
    kind: { type: "string" },
    port: { type: "string", default: "0" },
    models: { type: "string" },
    "api-key": { type: "string" },
    chunks: { type: "string" },
    "chunk-delay-ms": { type: "string", default: "0" },
    "delay-ms": { type: "string", default: "0" },
    "completion-tokens": { type: "string" },
    name: { type: "string" },
    backlog: { type: "string" },
    "stamp-chunks": { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function int(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fail(`--${flag} must be a non-negative integer, got ${value}`);
}

function kindOf(value: string | undefined): FakeKind {
  const kind = FAKE_KINDS.find((k) => k === value);
  return kind ?? fail(`--kind must be one of ${FAKE_KINDS.join(", ")}`);
}

const fake = await startFake({
  kind: kindOf(values.kind),
  port: int("port", values.port),
  models: values.models
    ?.split(",")
    .map((m) => m.trim())
    .filter((m) => m !== ""),
  apiKey: values["api-key"],
  chunks: int("chunks", values.chunks),
  completionTokens: int("completion-tokens", values["completion-tokens"]),
  name: values.name,
  backlog: int("backlog", values.backlog),
  faults: {
    chunkDelayMs: int("chunk-delay-ms", values["chunk-delay-ms"]),
    delayMs: int("delay-ms", values["delay-ms"]),
    stampChunks: values["stamp-chunks"],
  },
  // A long-running process nobody can read `requests` from: don't let them pile up.
  record: false,
});
process.stdout.write(`${JSON.stringify({ url: fake.url, kind: fake.kind })}\n`);

const shutdown = (): void => {
  void fake.stop().then(() => process.exit(0));
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
