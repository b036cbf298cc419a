import { call, type Call } from "./http";

/** Registers an endpoint with sk_debug and waits until it is online with its models synced. */
export async function registerOnline(
  base: string,
  body: Record<string, unknown>,
  timeoutMs = 10_000,
): Promise<{ id: string; [k: string]: unknown }> {
  const created = await call(base, "POST", "/api/endpoints", { key: "sk_debug", body });
  if (created.status !== 201) throw new Error(`register failed: ${created.status} ${created.text}`);
  await waitFor(async () => {
    const d = await call(base, "GET", `/api/endpoints/${created.body.id}`, { key: "sk_debug" });
    return d.body.status === "online" && d.body.model_count > 0;
  }, timeoutMs);
  return created.body;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** Polls `GET /api/endpoints/{id}` (sk_debug) until `pred` holds; returns that detail. */
export async function waitDetail(
  base: string,
  id: string,
  pred: (b: Call["body"]) => boolean,
  ms = 5000,
): Promise<Call["body"]> {
  const t0 = Date.now();
  let last: Call | undefined;
  while (Date.now() - t0 < ms) {
    last = await call(base, "GET", `/api/endpoints/${id}`, { key: "sk_debug" });
    if (last.status === 200 && pred(last.body)) return last.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${ms} ms; last detail: ${last?.text}`);
}
