// The dashboard's one small client for /api calls: JSON in, JSON out, field errors mapped for forms.
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
  if (!Object.keys(fieldErrors).length || err?.code !== "validation_error") fieldErrors.form = err?.message ?? `HTTP ${res.status}`;
  if (res.status === 401) window.location.href = "/login";
  return { ok: false, status: res.status, data: null, message: err?.message ?? `HTTP ${res.status}`, fieldErrors };
}
