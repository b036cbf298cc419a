"use client";
import type { Messages } from "@/lib/i18n/messages";

/** The settings an Anthropic client needs to use this load balancer: Claude Code's environment, and the SDK's baseURL. */
export function anthropicSnippets(
  origin: string,
  model: string,
  keyPlaceholder: string,
): { claudeCode: string; sdk: string } {
  const m = model || "MODEL";
  return {
    claudeCode: [
      `export ANTHROPIC_BASE_URL=${origin}`,
      `export ANTHROPIC_API_KEY=${keyPlaceholder}`,
      `export ANTHROPIC_MODEL=${m}`,
      `export ANTHROPIC_SMALL_FAST_MODEL=${m}`,
      "claude",
    ].join("\n"),
    sdk: [
      'import Anthropic from "@anthropic-ai/sdk";',
      "",
      `const client = new Anthropic({ baseURL: "${origin}", apiKey: "${keyPlaceholder}" });`,
      `const message = await client.messages.create({ model: "${m}", max_tokens: 1024, messages: [{ role: "user", content: "Hello!" }] });`,
    ].join("\n"),
  };
}

/** A panel showing how to point Claude Code and the Anthropic SDK at this load balancer, for the chosen model. */
export function AnthropicSnippets({ t, model }: { t: Messages; model: string }) {
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  const s = anthropicSnippets(origin, model, t.anthropicKeyPlaceholder);
  return (
    <details className="card text-sm" data-testid="anthropic-snippets">
      <summary className="cursor-pointer font-medium">{t.anthropicTitle}</summary>
      <p className="mt-2 text-slate-600">{t.anthropicHint}</p>
      {[
        [t.anthropicClaudeCode, s.claudeCode, "claude-code-snippet"],
        [t.anthropicSdk, s.sdk, "anthropic-sdk-snippet"],
      ].map(([label, code, id]) => (
        <div key={id} className="mt-3">
          <h2 className="text-xs font-semibold text-slate-500">{label}</h2>
          <pre
            className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 text-xs text-slate-100"
            data-testid={id}
            suppressHydrationWarning
          >
            {code}
          </pre>
        </div>
      ))}
    </details>
  );
}
