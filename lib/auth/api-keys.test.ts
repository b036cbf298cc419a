import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import type { ApiKeyRow } from "../db/schema";
import { sha256Hex } from "../crypto";
import type { RuntimeEvents } from "../runtime";
import { ApiKeyCache } from "./api-keys";

const events = new EventEmitter<RuntimeEvents>();
const keys = new ApiKeyCache(events, false);
const verifyApiKey = (db: Db, key: string) => keys.verify(db, key);
const cachedApiKey = (key: string) => keys.cached(key);

const KEY = "sk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const row: ApiKeyRow = {
  id: "k1",
  name: "slow",
  prefix: KEY.slice(0, 10),
  keyHash: sha256Hex(KEY),
  permissions: ["openai.inference"],
  createdBy: null,
  createdAt: 0,
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
};

/** A database whose key query answers only when the test says so: a slow DB. */
function slowDb() {
  let answer!: (rows: ApiKeyRow[]) => void;
  const rows = new Promise<ApiKeyRow[]>((resolve) => (answer = resolve));
  const db = { select: () => ({ from: () => ({ where: () => rows }) }) } as unknown as Db;
  return { db, answer };
}

describe("verifyApiKey and the key cache", () => {
  it("a check that started before a revocation does not write 'valid' back into the cache", async () => {
    const { db, answer } = slowDb();
    const checking = verifyApiKey(db, KEY); // reads the row before the revocation lands
    await Promise.resolve();
    events.emit("credentials-changed"); // the revocation clears the cache meanwhile
    answer([row]);
    expect((await checking)?.id).toBe("k1"); // that one request started before the revocation
    expect(cachedApiKey(KEY)).toBeUndefined(); // the next one asks the database again
  });

  it("a check with no change meanwhile is served from memory afterwards", async () => {
    const { db, answer } = slowDb();
    const checking = verifyApiKey(db, KEY);
    answer([row]);
    await checking;
    expect(cachedApiKey(KEY)?.id).toBe("k1");
    events.emit("credentials-changed");
    expect(cachedApiKey(KEY)).toBeUndefined();
  });
});
