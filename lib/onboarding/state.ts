import "server-only";
import { asc, count, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys, endpointModels, endpoints } from "../db/schema";
import { env } from "../env";

/** The first-run checklist: is there an endpoint (online?), an API key, a model to put in the snippets. */
export async function onboardingState({ db }: { db: Db }) {
  const [[eps], [online], [keys], [model]] = await Promise.all([
    db.select({ n: count() }).from(endpoints),
    db.select({ n: count() }).from(endpoints).where(eq(endpoints.status, "online")),
    db.select({ n: count() }).from(apiKeys).where(isNull(apiKeys.revokedAt)),
    db.select({ id: endpointModels.modelId }).from(endpointModels).orderBy(asc(endpointModels.modelId)).limit(1),
  ]);
  const steps = { endpoint: eps.n > 0, online: online.n > 0, apiKey: keys.n > 0 };
  return { steps, done: steps.endpoint && steps.apiKey, model: model?.id ?? null };
}

/** The address clients use: LLMLB_PUBLIC_URL when set (behind a reverse proxy), else the one this page was asked on. */
export function publicOrigin(headers: { get(name: string): string | null }): string {
  const configured = env().LLMLB_PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const host = headers.get("host") ?? "localhost:32768";
  return `http://${host}`;
}
