import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { FILE_CONNECTIONS, openDatabase } from "./client";
import { tempDir } from "../testing/temp-dir";

it.each([FILE_CONNECTIONS.write, FILE_CONNECTIONS.read])(
  "every one of %i pooled connections to the file runs WAL with synchronous NORMAL, and no more are opened",
  async (connections) => {
    const dir = tempDir("llmlb-db-");
    const { client } = await openDatabase(`file:${path.join(dir, "t.db")}`, undefined, connections);
    // overlapping calls borrow different connections, up to the pool's size; the rest wait for one
    const calls = connections + 4;
    const rows = await Promise.all(
      Array.from({ length: calls }, () => client.execute("SELECT (SELECT synchronous FROM pragma_synchronous) AS s")),
    );
    expect(rows.map((r) => Number(r.rows[0].s))).toEqual(new Array(calls).fill(1));
    // each connection holds the file open once: as many descriptors to it as connections, not calls
    const file = path.join(dir, "t.db");
    const opened = fs.readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
    expect(opened).toHaveLength(connections);
    expect((await client.execute("PRAGMA journal_mode")).rows[0].journal_mode).toBe("wal");
    client.close();
  },
);
