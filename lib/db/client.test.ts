import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { openDatabase } from "./client";

it("every pooled connection to the file runs WAL with synchronous NORMAL", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmlb-db-"));
  const { client } = await openDatabase(`file:${path.join(dir, "t.db")}`);
  // overlapping calls borrow different connections
  const sync = await Promise.all(Array.from({ length: 12 }, () => client.execute("PRAGMA synchronous")));
  expect(sync.map((r) => Number(r.rows[0].synchronous))).toEqual(new Array(12).fill(1));
  expect((await client.execute("PRAGMA journal_mode")).rows[0].journal_mode).toBe("wal");
  client.close();
});
