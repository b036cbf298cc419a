import { describe, expect, it } from "vitest";
import type { RouteEndpoint } from "../routing-table";
import { COUNT_TOKENS_ROUTE, MESSAGES_ROUTE, planMessages } from "./messages";

const body = { model: "m", max_tokens: 8, messages: [{ role: "user", content: "Hello, world" }] };
const ep = (type: RouteEndpoint["type"]) => ({ type }) as RouteEndpoint;

describe("planMessages", () => {
  it("count_tokens is answered here, without max_tokens", () => {
    const { max_tokens: _, ...noMax } = body;
    expect(planMessages(COUNT_TOKENS_ROUTE, noMax)).toEqual({
      kind: "answer",
      body: JSON.stringify({ input_tokens: 3 + 4 + 3 }),
    });
  });

  it("a message is forwarded as a chat completion; top_k only to the engines that take it", () => {
    const plan = planMessages(MESSAGES_ROUTE, { ...body, top_k: 20 });
    if (plan.kind !== "forward") throw new Error(plan.kind);
    expect(JSON.parse(plan.payload.toString())).toMatchObject({ model: "m", max_tokens: 8, top_k: 20 });
    expect(JSON.parse(plan.payloadFor!(ep("vllm")).toString()).top_k).toBe(20);
    expect("top_k" in JSON.parse(plan.payloadFor!(ep("openai_compatible")).toString())).toBe(false);
    expect(planMessages(MESSAGES_ROUTE, body)).toMatchObject({ kind: "forward", payloadFor: null, stream: false });
  });

  it("translates the whole answer, re-shapes an upstream error, and gives up on an unreadable 2xx", () => {
    const plan = planMessages(MESSAGES_ROUTE, body);
    if (plan.kind !== "forward") throw new Error(plan.kind);
    const ok = plan.translation.body(
      200,
      Buffer.from('{"id":"chatcmpl-1","choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}]}'),
    );
    expect(JSON.parse(ok!.toString())).toMatchObject({
      id: "msg_1",
      type: "message",
      content: [{ type: "text", text: "Hi" }],
    });
    expect(JSON.parse(plan.translation.body(400, Buffer.from('{"error":{"message":"bad"}}'))!.toString())).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "bad" },
    });
    expect(plan.translation.body(200, Buffer.from("{not json}"))).toBeNull();
  });

  it("refuses what is not a Messages request", () => {
    expect(planMessages(MESSAGES_ROUTE, { model: "m", messages: [] })).toMatchObject({ kind: "invalid" });
  });
});
