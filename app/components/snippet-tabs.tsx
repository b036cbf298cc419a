"use client";
import { useState } from "react";
import type { Messages } from "@/lib/i18n/messages";
import { SNIPPET_KINDS, usageSnippets, type SnippetKind } from "@/lib/onboarding/snippets";

const LABELS: Record<SnippetKind, string> = {
  curl: "curl",
  python: "OpenAI SDK (Python)",
  javascript: "OpenAI SDK (JS)",
  anthropic: "Anthropic SDK",
};

/** The usage snippets in tabs, each with a copy button; filled with this server's address, a key and a model. */
export function SnippetTabs({
  t,
  origin,
  apiKey,
  model,
}: {
  t: Messages;
  origin: string;
  apiKey?: string | null;
  model?: string | null;
}) {
  const [kind, setKind] = useState<SnippetKind>("curl");
  const [copied, setCopied] = useState(false);
  const text = usageSnippets({ origin, key: apiKey, model })[kind];
  return (
    <div className="min-w-0 space-y-2" data-testid="snippets">
      <div className="flex flex-wrap gap-1" role="tablist">
        {SNIPPET_KINDS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={k === kind}
            className={`rounded-md px-2 py-1 text-xs ${k === kind ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700"}`}
            onClick={() => (setKind(k), setCopied(false))}
          >
            {LABELS[k]}
          </button>
        ))}
      </div>
      <div className="relative">
        <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100" data-testid="snippet">
          {text}
        </pre>
        <button
          type="button"
          className="btn-secondary absolute right-2 top-2 px-2 py-1 text-xs"
          onClick={() => void navigator.clipboard?.writeText(text).then(() => setCopied(true))}
        >
          {copied ? t.copied : t.copy}
        </button>
      </div>
    </div>
  );
}
