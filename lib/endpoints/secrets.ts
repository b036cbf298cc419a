import "server-only";
import { env } from "../env";
import { decryptSecret, encryptSecret } from "../crypto";
import type { EndpointRow } from "../db/schema";

export const sealApiKey = (plain: string | null | undefined) =>
  plain ? encryptSecret(plain, env().LLMLB_SECRET) : null;

/** The endpoint's key in plaintext, for upstream calls only. */
export function endpointApiKey(row: Pick<EndpointRow, "apiKey">): string | null {
  if (!row.apiKey) return null;
  try {
    return decryptSecret(row.apiKey, env().LLMLB_SECRET);
  } catch {
    return null; // secret changed: behave as keyless rather than fail every call
  }
}
