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
  const client = createClient({ url, authToken });
  const isFile = url.startsWith("file:");
  if (isFile) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA busy_timeout = 5000");
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  return { client, db: drizzle(client, { schema }), isFile };
}
