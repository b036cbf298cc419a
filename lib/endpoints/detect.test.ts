import { describe, expect, it } from "vitest";
import { decideType, type ProbeAnswers } from "./detect";

const none: ProbeAnswers = { system: null, tags: null, models: null };
const notFound = { status: 404, json: { error: "not found" } };
const openai = (extra: object = {}, server: string | null = null) => ({
  status: 200,
  json: { object: "list", data: [{ id: "m", ...extra }] },
  server,
});

describe("decideType", () => {
  it("xllm wins when /api/system has xllm_version, whatever else answers", () => {
    expect(
      decideType({
        system: { status: 200, json: { xllm_version: "1" } },
        tags: { status: 200, json: { models: [] } },
        models: openai(),
      }),
    ).toBe("xllm");
  });
  it("a /api/system without xllm_version is not xllm", () => {
    expect(decideType({ ...none, system: { status: 200, json: { version: "1" } }, models: openai() })).toBe(
      "openai_compatible",
    );
  });
  it("ollama needs a models array and no error key", () => {
    expect(decideType({ ...none, tags: { status: 200, json: { models: [] } }, models: openai() })).toBe("ollama");
    expect(decideType({ ...none, tags: { status: 200, json: { error: "unauthorized" } }, models: openai() })).toBe(
      "openai_compatible",
    );
    expect(decideType({ ...none, tags: { status: 200, json: { models: [], error: "x" } }, models: openai() })).toBe(
      "openai_compatible",
    );
    expect(decideType({ ...none, tags: { status: 500, json: { models: [] } } })).toBe("unknown");
  });
  it("vllm by Server header or owned_by, case-insensitive", () => {
    expect(decideType({ ...none, tags: notFound, models: openai({}, "vLLM/0.6") })).toBe("vllm");
    expect(decideType({ ...none, models: openai({ owned_by: "vllm" }, "uvicorn") })).toBe("vllm");
  });
  it("lm studio and llama.cpp by header or owned_by", () => {
    expect(decideType({ ...none, models: openai({}, "LM Studio/0.3") })).toBe("lm_studio");
    expect(decideType({ ...none, models: openai({ owned_by: "lmstudio" }) })).toBe("lm_studio");
    expect(decideType({ ...none, models: openai({}, "llama.cpp") })).toBe("llamacpp");
    expect(decideType({ ...none, models: openai({ owned_by: "llamacpp" }) })).toBe("llamacpp");
  });
  it("openai_compatible needs 2xx JSON with data", () => {
    expect(decideType({ ...none, models: openai({ owned_by: "openai" }) })).toBe("openai_compatible");
    expect(decideType({ ...none, models: { status: 401, json: { error: {} }, server: null } })).toBe("unknown");
    expect(decideType({ ...none, models: { status: 200, json: { models: [] }, server: null } })).toBe("unknown");
  });
  it("nothing answering is unknown", () => {
    expect(decideType(none)).toBe("unknown");
  });
});
