import { describe, expect, it, vi } from "vitest";
import { errors } from "undici";
import type { Dispatcher } from "undici";
import { Attempt } from "./attempt";
import type { Exchange } from "./exchange";
import type { RouteEndpoint } from "./routing-table";

/** An Exchange that only records what the attempt reports to it. */
function stubExchange() {
  return {
    input: { res: {}, rec: { requestId: "r", started: 0 } },
    clientGone: false,
    attemptFailed: vi.fn(),
    answered: vi.fn(),
    crash: vi.fn(),
  };
}
const ep = { id: "ep-1", nameHeader: "n" } as RouteEndpoint;
const controller = {} as Dispatcher.DispatchController;

describe("Attempt: undici refusing to send the request", () => {
  it.each([
    ["a header undici does not send", new errors.NotSupportedError("expect header not supported")],
    ["an invalid argument", new errors.InvalidArgumentError("invalid header key")],
  ])("%s is the request's fault: refused, never retried or held against the endpoint", (_, err) => {
    const ex = stubExchange();
    new Attempt(ex as unknown as Exchange, ep).onResponseError(controller, err);
    expect(ex.attemptFailed).toHaveBeenCalledWith(expect.any(Attempt), { kind: "unsendable", reason: err.message });
  });
  it("a connection failure is the endpoint's: the next endpoint is tried", () => {
    const ex = stubExchange();
    new Attempt(ex as unknown as Exchange, ep).onResponseError(
      controller,
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    );
    expect(ex.attemptFailed).toHaveBeenCalledWith(expect.any(Attempt), {
      kind: "connect",
      reason: "Error: ECONNREFUSED",
    });
  });
  it("a timeout before the headers is a timeout", () => {
    const ex = stubExchange();
    new Attempt(ex as unknown as Exchange, ep).onResponseError(controller, new errors.HeadersTimeoutError());
    expect(ex.attemptFailed).toHaveBeenCalledWith(expect.any(Attempt), { kind: "timeout" });
  });
});
