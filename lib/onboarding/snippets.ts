// Ready-to-paste usage snippets with this server's base URL. Pure and client-safe: the get-started page and the
// new-key banner both use it. The Anthropic snippet targets /v1/messages.
export const SNIPPET_KINDS = ["curl", "python", "javascript", "anthropic"] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];

const KEY_PLACEHOLDER = "sk_your_key";

export function usageSnippets({
  origin,
  key,
  model,
}: {
  origin: string;
  key?: string | null;
  model?: string | null;
}): Record<SnippetKind, string> {
  const k = key || KEY_PLACEHOLDER;
  const m = model || "your-model";
  return {
    curl: `curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer ${k}" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "${m}", "messages": [{"role": "user", "content": "Hello"}]}'`,
    python: `from openai import OpenAI

client = OpenAI(base_url="${origin}/v1", api_key="${k}")
reply = client.chat.completions.create(
    model="${m}",
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.choices[0].message.content)`,
    javascript: `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${origin}/v1", apiKey: "${k}" });
const reply = await client.chat.completions.create({
  model: "${m}",
  messages: [{ role: "user", content: "Hello" }],
});
console.log(reply.choices[0].message.content);`,
    anthropic: `import Anthropic from "@anthropic-ai/sdk";

// the load balancer answers Anthropic's Messages API at /v1/messages
const client = new Anthropic({ baseURL: "${origin}", apiKey: "${k}" });
const message = await client.messages.create({
  model: "${m}",
  max_tokens: 256,
  messages: [{ role: "user", content: "Hello" }],
});
console.log(message.content);`,
  };
}
