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

/** Connections the embedded client may open to the file. */
const FILE_CONNECTIONS = 8;

export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const isFile = url.startsWith("file:");
  // The client pools several connections to a file and PRAGMAs reach only the one they run on: the busy timeout
  // must be an option so that every pooled connection waits for a concurrent writer instead of failing SQLITE_BUSY.
  const client = createClient({ url, authToken, ...(isFile ? { timeout: 5000, concurrency: FILE_CONNECTIONS } : {}) });
  if (isFile) {
    await client.execute("PRAGMA journal_mode = WAL"); // persistent: stored in the file
    // synchronous is per connection, and the pool opens a new one whenever calls overlap. Calls started together
    // each borrow a connection of their own, so this opens the whole pool now, every connection in NORMAL mode:
    // with WAL, a commit then never waits for the disk on the event loop (a crash loses no committed write).
    await Promise.all(Array.from({ length: FILE_CONNECTIONS }, () => client.execute("PRAGMA synchronous = NORMAL")));
  }
  return { client, db: drizzle(client, { schema }) };
}
