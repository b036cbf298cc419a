import { describe, expect, it } from "vitest";
import { ClientLimiter } from "./client-limit";

describe("ClientLimiter", () => {
  it("admits up to max per client, each client on its own count", () => {
    const l = new ClientLimiter(2);
    expect([l.tryAcquire("a"), l.tryAcquire("a"), l.tryAcquire("a")]).toEqual([true, true, false]);
    expect(l.tryAcquire("b")).toBe(true);
    expect(l.count("a")).toBe(2);
    expect(l.count("b")).toBe(1);
  });

  it("a release frees a place; a refused request counted nothing", () => {
    const l = new ClientLimiter(1);
    expect(l.tryAcquire("a")).toBe(true);
    expect(l.tryAcquire("a")).toBe(false);
    l.release("a");
    expect(l.count("a")).toBe(0);
    expect(l.tryAcquire("a")).toBe(true);
  });

  it("forgets clients with nothing in flight, and never goes below zero", () => {
    const l = new ClientLimiter(3);
    l.tryAcquire("a");
    l.tryAcquire("b");
    l.release("a");
    l.release("a");
    expect(l.clients).toBe(1);
    expect(l.count("a")).toBe(0);
    expect(l.tryAcquire("a")).toBe(true);
  });
});
