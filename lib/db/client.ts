import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema";

export type Db = LibSQLDatabase<typeof schema>;
/** The database as a thread that only reads it sees it (the /v1 thread: its writes go to the control thread). */
export type ReadDb = Pick<Db, "select">;
export interface Database {
  client: Client;
  db: Db;
}

/**
 * Connections the embedded client may open to the file: a thread that writes holds one per open transaction (an
 * admin mutation and its audit row; more at once than this is refused); a thread that only reads (the /v1 thread)
 * borrows one per call and gives it back before its next await, so calls queue for two instead of opening more.
 * Each connection costs ~0.5 MB and its own page cache (up to 2 MB).
 */
export const FILE_CONNECTIONS = { write: 8, read: 2 } as const;

export async function openDatabase(
  url: string,
  authToken?: string,
  connections: number = FILE_CONNECTIONS.write,
): Promise<Database> {
  const isFile = url.startsWith("file:");
  // The client pools several connections to a file and PRAGMAs reach only the one they run on: the busy timeout
  // must be an option so that every pooled connection waits for a concurrent writer instead of failing SQLITE_BUSY.
  const client = createClient({ url, authToken, ...(isFile ? { timeout: 5000, concurrency: connections } : {}) });
  if (isFile) {
    await client.execute("PRAGMA journal_mode = WAL"); // persistent: stored in the file
    // synchronous is per connection, and the pool opens a new one whenever calls overlap. Calls started together
    // each borrow a connection of their own, so this opens the whole pool now, every connection in NORMAL mode:
    // with WAL, a commit then never waits for the disk on the event loop (a crash loses no committed write).
    await Promise.all(Array.from({ length: connections }, () => client.execute("PRAGMA synchronous = NORMAL")));
  }
  return { client, db: drizzle(client, { schema }) };
}
