import { describe, expect, it } from "vitest";
import { ClientQueue } from "./client-queue";

describe("ClientQueue", () => {
  it("runs up to max per client at once, queues up to maxWaiting more, refuses past that", () => {
    const q = new ClientQueue(2, 1);
    const ran: number[] = [];
    const results = [1, 2, 3, 4].map((i) => q.enter("a", () => void ran.push(i)));
    expect(results).toEqual([true, true, true, false]);
    expect(ran).toEqual([1, 2]);
    expect([q.inFlightOf("a"), q.waitingOf("a")]).toEqual([2, 1]);
    expect(q.enter("b", () => void ran.push(5))).toBe(true); // another client has its own places
    expect(ran).toEqual([1, 2, 5]);
  });

  it("a leave hands the place to the next waiting request, in order", () => {
    const q = new ClientQueue(1, 5);
    const ran: string[] = [];
    for (const id of ["x", "y", "z"]) q.enter("a", () => void ran.push(id));
    q.leave("a");
    expect(ran).toEqual(["x", "y"]);
    expect(q.inFlightOf("a")).toBe(1);
    q.leave("a");
    q.leave("a");
    expect(ran).toEqual(["x", "y", "z"]);
    expect(q.inFlightOf("a")).toBe(0);
    expect(q.clients).toBe(0);
  });

  it("a waiting request whose client went away (run → false) gives its turn to the next", () => {
    const q = new ClientQueue(1, 5);
    const ran: string[] = [];
    q.enter("a", () => void ran.push("first"));
    q.enter("a", () => false);
    q.enter("a", () => void ran.push("third"));
    q.leave("a");
    expect(ran).toEqual(["first", "third"]);
    expect(q.inFlightOf("a")).toBe(1);
    q.leave("a");
    expect(q.clients).toBe(0);
  });

  it("never goes below zero, and forgets idle clients", () => {
    const q = new ClientQueue(3, 0);
    q.enter("a", () => undefined);
    q.leave("a");
    q.leave("a");
    expect(q.inFlightOf("a")).toBe(0);
    expect(q.clients).toBe(0);
    expect(q.enter("a", () => undefined)).toBe(true);
  });
});
