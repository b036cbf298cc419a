// Every code a request-log row can carry has words in both languages: the history shows them, not the raw code.
import { describe, expect, it } from "vitest";
import { V1_ERRORS } from "../proxy/errors";
import { errorsEn } from "./errors-en";
import { errorsJa } from "./errors-ja";

const OUTCOME_CODES = ["upstream_stream_error", "client_disconnected"];

describe("request-log codes in the message catalogues", () => {
  it.each([
    ["English", errorsEn],
    ["Japanese", errorsJa],
  ])("%s names every /v1 error and outcome code", (_, catalogue) => {
    const missing = [...Object.keys(V1_ERRORS), ...OUTCOME_CODES].filter(
      (code) => !Object.hasOwn(catalogue, `req_${code}`),
    );
    expect(missing).toEqual([]);
  });
});
