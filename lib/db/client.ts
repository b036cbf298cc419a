import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema";

export type Db = LibSQLDatabase<typeof schema>;
export interface Database {
  client: Client;
  db: Db;
  isFile: boolean;
}

export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const isFile = url.startsWith("file:");
  // The client pools several connections to a file and PRAGMAs reach only the one they run on: the busy timeout
  // must be an option so that every pooled connection waits for a concurrent writer instead of failing SQLITE_BUSY.
  const client = createClient({ url, authToken, ...(isFile ? { timeout: 5000 } : {}) });
  if (isFile) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA busy_timeout = 5000");
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  return { client, db: drizzle(client, { schema }), isFile };
}
