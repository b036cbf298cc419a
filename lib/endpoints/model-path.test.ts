import { describe, expect, it } from "vitest";
import { modelPathSegment } from "./model-path";

describe("modelPathSegment", () => {
  it.each([
    ["llama3.1:8b", "llama3.1%3A8b"],
    ["org/model-7b", "org%2Fmodel-7b"],
    ["a..b", "a..b"],
    ["...", "..."],
    ["%2E%2E", "%252E%252E"],
  ])("%s → %s", (id, seg) => expect(modelPathSegment(id)).toBe(seg));

  it.each(["..", ".", "../info", "../../api/system", "a/../b", "a/..", "..\\x", "a\\.\\b"])("refuses %s", (id) => {
    expect(modelPathSegment(id)).toBeNull();
  });
});
