// The dashboard's one small client module for /api calls, live polling and mutations: JSON in, JSON out, field
// errors mapped for forms. Imported by client components only; from lib it imports types, the message catalogue
// (plain data) and the pure catalogue formatter.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { EndpointDto } from "@/lib/endpoints/serialize";
import type { getEndpointDetail } from "@/lib/endpoints/read";
import type { z } from "zod";
import type { importConfig } from "@/lib/config/import";
import { MESSAGES, type Messages } from "@/lib/i18n/messages";
import { localize } from "@/lib/i18n/localize";
import type { probeUrl, testEndpoint } from "@/lib/health/connection-test";
import type { applyModels } from "@/lib/endpoints/sync";
import type { downloadProgress } from "@/lib/endpoints/download";
import type { updateEndpointSchema } from "@/lib/endpoints/schema";
import type { createApiKey, createApiKeySchema } from "@/lib/auth/api-keys";
import type { createUserSchema, updateUserSchema } from "@/lib/auth/users";

export type FieldErrors = Record<string, string>;

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  data: T | null;
  message: string | null;
  /** the server's own `message` (English, as stored in `last_error`), before translation */
  raw: string | null;
  fieldErrors: FieldErrors;
}

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    details?: Array<{ field: string; message: string }> | Record<string, unknown>;
  };
}

/** The catalogue of the page's language (`<html lang>`, set by the root layout from the reader's choice). */
export function pageMessages(): Messages {
  return typeof document !== "undefined" && document.documentElement.lang === "ja" ? MESSAGES.ja : MESSAGES.en;
}

/** A whole API `message`: "field: catalogue text; field: …" has each part translated. */
function localizeMessage(message: string, t: Messages): string {
  return message
    .split("; ")
    .map((part) => {
      const whole = localize(part, t);
      if (whole !== part) return whole;
      const m = /^([\w.]+): (.*)$/s.exec(part);
      return m ? `${m[1]}: ${localize(m[2], t)}` : part;
    })
    .join("; ");
}

export async function apiFetch<T = unknown>(
  url: string,
  opts: { method?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? "GET",
      headers: opts.body !== undefined ? { "content-type": "application/json" } : undefined,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      cache: "no-store",
    });
  } catch (_err) {
    const text = pageMessages().networkError;
    return { ok: false, status: 0, data: null, message: text, raw: null, fieldErrors: { form: text } };
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return { ok: true, status: res.status, data: data as T, message: null, raw: null, fieldErrors: {} };
  const err = (data as ErrorBody | null)?.error;
  const fieldErrors: FieldErrors = {};
  // the server answers English catalogue messages; the reader sees them in the page's language
  const t = pageMessages();
  if (Array.isArray(err?.details)) for (const d of err.details) fieldErrors[d.field] = localize(d.message, t);
  const message = err?.message ? localizeMessage(err.message, t) : `HTTP ${res.status}`;
  if (!Object.keys(fieldErrors).length) fieldErrors.form = message;
  if (res.status === 401) window.location.href = "/login";
  return { ok: false, status: res.status, data: null, message, raw: err?.message ?? null, fieldErrors };
}

/**
 * The dashboard's one polling loop: runs `task` every `intervalMs` (the next run a full period after the last one
 * finished, never overlapping). `kick()` runs it now; `restart()` puts the next run a full period away.
 */
export function useRepeat(task: (() => Promise<void>) | null, intervalMs: number, immediate = false) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const alive = useRef(true);
  const latest = useRef(task);
  useEffect(() => {
    latest.current = task;
  }, [task]);

  const restart = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void kickRef.current(), intervalMs);
  }, [intervalMs]);
  const kick = useCallback(async () => {
    const run = latest.current;
    if (!run) return;
    if (timer.current) clearTimeout(timer.current);
    await run();
    if (alive.current && latest.current === run) restart(); // a replaced or removed task has its own schedule
  }, [restart]);
  const kickRef = useRef(kick);
  useEffect(() => {
    kickRef.current = kick;
  }, [kick]);

  useEffect(() => {
    alive.current = true;
    if (!task) return;
    if (immediate) void kickRef.current();
    else restart();
    return () => {
      alive.current = false;
      if (timer.current) clearTimeout(timer.current);
    };
  }, [task, immediate, restart]);

  return { kick, restart };
}

/**
 * Polls `url` (null: not now) and keeps the last good answer. `refresh()` fetches now; `replace()` shows a value at
 * once (e.g. a row just created) and restarts the interval so the next poll is a full period away.
 */
export function usePolling<T>(url: string | null, initial: T, intervalMs: number, immediate = false) {
  const [data, setData] = useState<T>(initial);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  // a poll that started before replace() answers about the world before it (a row just created missing, or
  // still pending): its answer is dropped, never shown over the newer value
  const generation = useRef(0);
  const fetchOnce = useMemo(
    () =>
      url === null
        ? null
        : async () => {
            const started = generation.current;
            const res = await apiFetch<T>(url);
            if (!alive.current || started !== generation.current) return;
            if (res.ok && res.data !== null) {
              setData(res.data);
              setError(null);
            } else setError(res.message);
          },
    [url],
  );
  const { kick, restart } = useRepeat(fetchOnce, intervalMs, immediate);

  const replace = useCallback(
    (next: T | ((prev: T) => T)) => {
      generation.current++;
      setData(next);
      restart();
    },
    [restart],
  );

  return { data, error, refresh: kick, replace };
}

// ---- typed verbs -------------------------------------------------------------------------------------------

// Every shape below is derived from the server's own serializers and schemas (type-only imports): one source.
export type EndpointDetail = Awaited<ReturnType<typeof getEndpointDetail>>;
export type { EndpointDto };
export type EndpointInput = z.input<typeof updateEndpointSchema>;
export type ProbeResult = Awaited<ReturnType<typeof probeUrl>>;
export type TestResult = Awaited<ReturnType<typeof testEndpoint>>;
export type SyncResult = Awaited<ReturnType<typeof applyModels>>;
export type DownloadProgress = Awaited<ReturnType<typeof downloadProgress>>;
export type CreatedApiKey = Awaited<ReturnType<typeof createApiKey>>;
type ApiKeyInput = z.input<typeof createApiKeySchema>;
type UserInput = z.input<typeof createUserSchema>;
type UserUpdate = z.input<typeof updateUserSchema>;

const ep = (id: string) => `/api/endpoints/${encodeURIComponent(id)}`;

export const endpointsApi = {
  listUrl: "/api/endpoints",
  detailUrl: ep,
  create: (body: EndpointInput) => apiFetch<EndpointDto>("/api/endpoints", { method: "POST", body }),
  update: (id: string, body: EndpointInput) => apiFetch<EndpointDto>(ep(id), { method: "PATCH", body }),
  remove: (id: string) => apiFetch<null>(ep(id), { method: "DELETE" }),
  probe: (body: { base_url: string; api_key?: string }) =>
    apiFetch<ProbeResult>("/api/endpoints/probe", { method: "POST", body }),
  test: (id: string) => apiFetch<TestResult>(`${ep(id)}/test`, { method: "POST" }),
  sync: (id: string) => apiFetch<SyncResult>(`${ep(id)}/sync`, { method: "POST" }),
  download: (id: string, model: string) => apiFetch<unknown>(`${ep(id)}/download`, { method: "POST", body: { model } }),
  progressUrl: (id: string, model: string) => `${ep(id)}/download/progress?model=${encodeURIComponent(model)}`,
};

export const apiKeysApi = {
  create: (body: ApiKeyInput) => apiFetch<CreatedApiKey>("/api/api-keys", { method: "POST", body }),
  revoke: (id: string) => apiFetch<null>(`/api/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" }),
};

export const usersApi = {
  create: (body: UserInput) => apiFetch<unknown>("/api/users", { method: "POST", body }),
  update: (id: string, body: UserUpdate) =>
    apiFetch<unknown>(`/api/users/${encodeURIComponent(id)}`, { method: "PATCH", body }),
  remove: (id: string) => apiFetch<null>(`/api/users/${encodeURIComponent(id)}`, { method: "DELETE" }),
};

export type ImportResult = Awaited<ReturnType<typeof importConfig>>;

/** Configuration as code: a dry run shows the diff; `apply` makes it. */
export const configApi = {
  importDoc: (doc: unknown, apply: boolean) =>
    apiFetch<ImportResult>(`/api/config/import${apply ? "?apply=1" : ""}`, { method: "POST", body: doc }),
};

/** Model ids from the OpenAI-compatible `/v1/models` (session cookie, same origin); null when unavailable. */
export async function listV1Models(): Promise<string[] | null> {
  try {
    const res = await fetch("/v1/models", { cache: "no-store" });
    if (!res.ok) return null;
    const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
    return Array.isArray(body.data) ? body.data.map((m) => String(m.id)) : null;
  } catch {
    return null;
  }
}
