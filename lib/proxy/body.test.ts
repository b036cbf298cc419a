import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { BodyTimeout, BodyTooLarge, collectBody } from "./body";

/** A readable standing in for the request, and what collectBody answered. */
function collect(limit: number, deadlineMs = 5000) {
  const req = new PassThrough();
  const calls: Array<[Error | null, Buffer | null]> = [];
  const settled = new Promise<void>((resolve) =>
    collectBody(req as unknown as IncomingMessage, limit, deadlineMs, (err, body) => {
      calls.push([err, body]);
      resolve();
    }),
  );
  return { req, calls, settled };
}

describe("collectBody", () => {
  it("hands over the body once, then holds nothing on the request but an error listener", async () => {
    const { req, calls, settled } = collect(100);
    req.write("ab");
    req.end("cd");
    await settled;
    expect(calls).toEqual([[null, Buffer.from("abcd")]]);
    for (const e of ["data", "end", "close"]) expect(req.listenerCount(e)).toBe(0);
    expect(req.listenerCount("error")).toBe(1);
    expect(() => req.emit("error", new Error("late"))).not.toThrow();
    expect(calls).toHaveLength(1);
  });

  it("refuses a body over the limit once it has ended", async () => {
    const { req, calls, settled } = collect(3);
    req.end("abcd");
    await settled;
    expect(calls[0][0]).toBeInstanceOf(BodyTooLarge);
    expect(calls[0][1]).toBeNull();
  });

  it("gives up on a body that does not arrive in time", async () => {
    const { req, calls, settled } = collect(100, 20);
    req.write("ab");
    await settled;
    expect(calls[0][0]).toBeInstanceOf(BodyTimeout);
    expect(req.listenerCount("data")).toBe(0);
  });
});
