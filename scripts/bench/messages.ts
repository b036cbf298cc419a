// The `messages` row: what translating the Anthropic Messages API adds, at one connection, over the same request
// as a chat completion through the same load balancer (the upstream gets the same bytes either way).
import { percentile, sequentialLatency, type Target } from "./load";
import type { Row } from "./report";

const f = (n: number) => n.toFixed(3);

/** Alternates rounds of `n` chat completions and `n` messages on one connection each; the row, and [p50, p99] of each. */
export async function messagesRow(
  lb: Target,
  model: string,
  rounds: number,
  n: number,
): Promise<{ row: Row; raw: Record<string, number[]> }> {
  const chat = JSON.stringify({ model, messages: [{ role: "user", content: "Hello!" }], max_tokens: 64 });
  const messages = JSON.stringify({ model, max_tokens: 64, messages: [{ role: "user", content: "Hello!" }] });
  const anthropic: Target = { ...lb, headers: { ...lb.headers, "anthropic-version": "2023-06-01" } };
  const lat = { chat: [] as number[], messages: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    lat.chat.push(...(await sequentialLatency(lb, "/v1/chat/completions", chat, n)));
    lat.messages.push(...(await sequentialLatency(anthropic, "/v1/messages", messages, n)));
  }
  const sc = [...lat.chat].sort((a, b) => a - b);
  const sm = [...lat.messages].sort((a, b) => a - b);
  const added = percentile(sm, 50) - percentile(sc, 50);
  const addedP99 = percentile(sm, 99) - percentile(sc, 99);
  return {
    row: {
      metric: "messages: latency p50, 1 connection, vs chat completions through the LB (ms)",
      direct: `chat ${f(percentile(sc, 50))}`,
      lb: `messages ${f(percentile(sm, 50))}`,
      result: `${added >= 0 ? "+" : ""}${f(added)} ms (p99 ${addedP99 >= 0 ? "+" : ""}${f(addedP99)} ms)`,
      target: "≤ +0.1 ms",
      pass: added <= 0.1,
    },
    raw: { chat: [percentile(sc, 50), percentile(sc, 99)], messages: [percentile(sm, 50), percentile(sm, 99)] },
  };
}
