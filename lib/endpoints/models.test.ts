import { describe, expect, it } from "vitest";
import { defaultCapabilities, parseModelList, parseOllamaShow, parseXllmInfo } from "./models";

describe("model parsing", () => {
  it("reads the OpenAI and the Ollama list shapes", () => {
    expect(parseModelList({ object: "list", data: [{ id: "a" }, { id: "nomic-embed-text" }] })).toEqual([
      { modelId: "a", capabilities: ["chat"], contextLength: null },
      { modelId: "nomic-embed-text", capabilities: ["embeddings"], contextLength: null },
    ]);
    expect(parseModelList({ models: [{ name: "llama3.1:8b" }] })).toEqual([
      { modelId: "llama3.1:8b", capabilities: ["chat"], contextLength: null },
    ]);
  });
  it("keeps reported capabilities and context length, drops junk and duplicates", () => {
    expect(
      parseModelList({
        data: [{ id: "m", capabilities: ["completion", "vision"], max_model_len: 8192 }, { id: "m" }, 5, { nope: 1 }],
      }),
    ).toEqual([{ modelId: "m", capabilities: ["chat", "vision"], contextLength: 8192 }]);
  });
  it("rejects answers that are no model list", () => {
    expect(parseModelList({ error: "x" })).toBeNull();
    expect(parseModelList([1, 2])).toBeNull();
    expect(parseModelList("<html>")).toBeNull();
  });
  it("defaults capabilities from the name", () => {
    expect(defaultCapabilities("org/text-embedding-3-small")).toEqual(["embeddings"]);
    expect(defaultCapabilities("llama3")).toEqual(["chat"]);
  });
  it("reads Ollama show and xLLM info", () => {
    expect(
      parseOllamaShow({
        model_info: { "general.architecture": "llama", "llama.context_length": 131072 },
        capabilities: ["completion", "tools"],
      }),
    ).toEqual({
      contextLength: 131072,
      capabilities: ["chat", "tools"],
    });
    expect(parseOllamaShow({ model_info: { "bert.context_length": 2048 } })).toEqual({
      contextLength: 2048,
      capabilities: null,
    });
    expect(parseXllmInfo({ context_length: 131072, capabilities: ["text", "vision"] })).toEqual({
      contextLength: 131072,
      capabilities: ["text", "vision"],
    });
  });
});
