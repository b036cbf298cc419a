// The dashboard's one small client module for /api calls, live polling and mutations: JSON in, JSON out, field
// errors mapped for forms. Imported by client components only; it imports nothing but types from lib.
import { useCallback, useEffect, useRef, useState } from "react";
import type { EndpointDto } from "@/lib/endpoints/serialize";
import type { getEndpointDetail } from "@/lib/endpoints/read";
import type { Permission, Role } from "@/lib/db/constants";
import type { importConfig } from "@/lib/config/import";

export type FieldErrors = Record<string, string>;

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  data: T | null;
  message: string | null;
  fieldErrors: FieldErrors;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: Array<{ field: string; message: string }> | Record<string, unknown> };
}

export async function apiFetch<T = unknown>(url: string, opts: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? "GET",
      headers: opts.body !== undefined ? { "content-type": "application/json" } : undefined,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      cache: "no-store",
    });
  } catch (err) {
    return { ok: false, status: 0, data: null, message: String(err), fieldErrors: { form: String(err) } };
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return { ok: true, status: res.status, data: data as T, message: null, fieldErrors: {} };
  const err = (data as ErrorBody | null)?.error;
  const fieldErrors: FieldErrors = {};
  if (Array.isArray(err?.details)) for (const d of err.details) fieldErrors[d.field] = d.message;
  const message = err?.message ?? `HTTP ${res.status}`;
  if (!Object.keys(fieldErrors).length) fieldErrors.form = message;
  if (res.status === 401) window.location.href = "/login";
  return { ok: false, status: res.status, data: null, message, fieldErrors };
}

/**
 * Polls `url` every `intervalMs` and keeps the last good answer. `refresh()` fetches now; `replace()` shows a
 * value at once (e.g. a row just created) and restarts the interval so the next poll is a full period away.
 */
export function usePolling<T>(url: string | null, initial: T, intervalMs: number, immediate = false) {
  const [data, setData] = useState<T>(initial);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const alive = useRef(true);

  const schedule = useCallback(
    (run: () => void) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(run, intervalMs);
    },
    [intervalMs],
  );

  const refresh = useCallback(async () => {
    if (!url) return;
    const res = await apiFetch<T>(url);
    if (!alive.current) return;
    if (res.ok && res.data !== null) {
      setData(res.data);
      setError(null);
    } else setError(res.message);
    schedule(() => void refresh());
  }, [url, schedule]);

  const replace = useCallback(
    (next: T | ((prev: T) => T)) => {
      setData(next);
      schedule(() => void refresh());
    },
    [schedule, refresh],
  );

  useEffect(() => {
    alive.current = true;
    if (immediate) void refresh();
    else schedule(() => void refresh());
    return () => {
      alive.current = false;
      if (timer.current) clearTimeout(timer.current);
    };
  }, [schedule, refresh, immediate]);

  return { data, error, refresh, replace };
}

// ---- typed verbs -------------------------------------------------------------------------------------------

export type EndpointDetail = Awaited<ReturnType<typeof getEndpointDetail>>;
export type { EndpointDto };

export interface EndpointInput {
  name?: string;
  base_url?: string;
  api_key?: string | null;
  health_check_interval_secs?: number;
  inference_timeout_secs?: number;
  model_load_timeout_secs?: number;
  generation_probe?: boolean | null;
  max_concurrency?: number | null;
  notes?: string | null;
}

export interface ProbeResult {
  reachable: boolean;
  endpoint_type: EndpointDto["endpoint_type"];
  latency_ms: number | null;
  models_found: string[];
  error: string | null;
}

export interface TestResult {
  success: boolean;
  latency_ms: number | null;
  endpoint_type: EndpointDto["endpoint_type"];
  models_found: string[];
  error: string | null;
}

export interface SyncResult {
  synced_models: string[];
  added: number;
  removed: number;
  updated: number;
}

export interface DownloadProgress {
  model: string;
  status: "pending" | "downloading" | "completed" | "failed";
  progress: number;
  speed_mbps: number | null;
  eta_seconds: number | null;
  error: string | null;
}

const ep = (id: string) => `/api/endpoints/${encodeURIComponent(id)}`;

export const endpointsApi = {
  listUrl: "/api/endpoints",
  detailUrl: ep,
  create: (body: EndpointInput) => apiFetch<EndpointDto>("/api/endpoints", { method: "POST", body }),
  update: (id: string, body: EndpointInput) => apiFetch<EndpointDto>(ep(id), { method: "PATCH", body }),
  remove: (id: string) => apiFetch<null>(ep(id), { method: "DELETE" }),
  probe: (body: { base_url: string; api_key?: string }) => apiFetch<ProbeResult>("/api/endpoints/probe", { method: "POST", body }),
  test: (id: string) => apiFetch<TestResult>(`${ep(id)}/test`, { method: "POST" }),
  sync: (id: string) => apiFetch<SyncResult>(`${ep(id)}/sync`, { method: "POST" }),
  download: (id: string, model: string) => apiFetch<unknown>(`${ep(id)}/download`, { method: "POST", body: { model } }),
  progress: (id: string, model: string) => apiFetch<DownloadProgress>(`${ep(id)}/download/progress?model=${encodeURIComponent(model)}`),
};

export interface CreatedApiKey {
  id: string;
  key: string;
}

export const apiKeysApi = {
  create: (body: { name: string; permissions: Permission[]; expires_at?: string | null }) => apiFetch<CreatedApiKey>("/api/api-keys", { method: "POST", body }),
  revoke: (id: string) => apiFetch<null>(`/api/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" }),
};

export const usersApi = {
  create: (body: { username: string; password: string; role: Role }) => apiFetch<unknown>("/api/users", { method: "POST", body }),
  update: (id: string, body: { role?: Role; password?: string }) => apiFetch<unknown>(`/api/users/${encodeURIComponent(id)}`, { method: "PATCH", body }),
  remove: (id: string) => apiFetch<null>(`/api/users/${encodeURIComponent(id)}`, { method: "DELETE" }),
};

export type ImportResult = Awaited<ReturnType<typeof importConfig>>;

/** Configuration as code: a dry run shows the diff; `apply` makes it. */
export const configApi = {
  importDoc: (doc: unknown, apply: boolean) => apiFetch<ImportResult>(`/api/config/import${apply ? "?apply=1" : ""}`, { method: "POST", body: doc }),
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
