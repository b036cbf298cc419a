// The benchmark's fleet: engine-like fakes in this process (e2e/fakes/engine.ts), time-scaled. Ollama
// nodes with 2 parallel slots, 2 models loaded at most (LRU) and a 2 s cold load; an LM Studio node loading one
// model at a time; a vLLM node with continuous batching (16 sequences) and the largest context; a llama.cpp node
// with 2 fixed slots and the smallest context; one endpoint answering 503 at once; one whose model list works but
// whose completions hang.
import { startFake, type FakeUpstream } from "../../../e2e/fakes/upstream";
import type { EngineOptions } from "../../../e2e/fakes/engine";
import type { FakeKind } from "../../../e2e/fakes/types";

export const MODELS = ["m0", "m1", "m2", "m3", "m4", "m5"];
const ollamaModels = MODELS.map((m) => `${m}:latest`);

export interface FleetNode {
  name: string;
  fake: FakeUpstream;
  /** inference timeout to register with (s) */
  timeoutSecs: number;
}

interface Spec {
  name: string;
  kind: FakeKind;
  models: string[];
  engine?: EngineOptions;
  faults?: Parameters<typeof startFake>[0]["faults"];
  timeoutSecs?: number;
}

const base = { ttftMs: 40, tokenMs: 8 };
const SPECS: Spec[] = [
  {
    name: "ollama-a",
    kind: "ollama",
    models: ollamaModels,
    engine: {
      ...base,
      parallel: 2,
      maxLoaded: 2,
      loadMs: 2000,
      contextLength: 4096,
      loaded: ["m0:latest", "m1:latest"],
    },
  },
  {
    name: "ollama-b",
    kind: "ollama",
    models: ollamaModels,
    engine: {
      ...base,
      parallel: 2,
      maxLoaded: 2,
      loadMs: 2000,
      contextLength: 4096,
      loaded: ["m2:latest", "m3:latest"],
    },
  },
  {
    name: "ollama-c",
    kind: "ollama",
    models: ollamaModels,
    engine: {
      ...base,
      parallel: 2,
      maxLoaded: 2,
      loadMs: 2000,
      contextLength: 4096,
      loaded: ["m4:latest", "m5:latest"],
    },
  },
  {
    name: "lmstudio",
    kind: "lm_studio",
    models: MODELS,
    engine: { ...base, parallel: 2, maxLoaded: 1, loadMs: 2500, contextLength: 8192, loaded: ["m0"] },
  },
  { name: "vllm", kind: "vllm", models: ["m0"], engine: { ...base, ttftMs: 60, parallel: 16, contextLength: 16384 } },
  { name: "llamacpp", kind: "llamacpp", models: ["m1"], engine: { ...base, parallel: 2, contextLength: 2048 } },
  { name: "fast-503", kind: "openai", models: MODELS, faults: { status: 503 } },
  { name: "hangs", kind: "openai", models: MODELS, faults: { delayMs: 600_000 }, timeoutSecs: 10 },
];

export async function startBenchFleet(): Promise<FleetNode[]> {
  return Promise.all(
    SPECS.map(async (s) => ({
      name: s.name,
      timeoutSecs: s.timeoutSecs ?? 120,
      fake: await startFake({
        kind: s.kind,
        models: s.models,
        record: false,
        chunks: 4,
        ...(s.engine ? { engine: s.engine } : {}),
        ...(s.faults ? { faults: s.faults } : {}),
      }),
    })),
  );
}

/** Context overflows and cold loads the engines saw. */
export function engineCounts(nodes: FleetNode[]): { overflows: number; coldLoads: number } {
  let overflows = 0;
  let coldLoads = 0;
  for (const n of nodes) {
    overflows += n.fake.engine?.overflows ?? 0;
    coldLoads += n.fake.engine?.coldLoads ?? 0;
  }
  return { overflows, coldLoads };
}
