import { call } from "./http";

/** Registers an endpoint with sk_debug and waits until it is online with its models synced. */
export async function registerOnline(base: string, body: Record<string, unknown>, timeoutMs = 10_000): Promise<{ id: string; [k: string]: unknown }> {
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
