import { describe, expect, it } from "vitest";
import { errorsEn, type ErrorKey } from "./errors-en";
import { MESSAGES } from "./messages";
import { englishMessage, localize, parseMessage } from "./localize";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  it("have every key in both languages, none empty, with the same parameters", () => {
    const en = MESSAGES.en as Record<string, string>;
    const ja = MESSAGES.ja as Record<string, string>;
    const missing = [
      ...Object.keys(en)
        .filter((k) => !(k in ja))
        .map((k) => `ja.${k}`),
      ...Object.keys(ja)
        .filter((k) => !(k in en))
        .map((k) => `en.${k}`),
    ];
    expect(missing).toEqual([]);
    for (const k of Object.keys(en)) {
      expect(en[k].trim(), `en.${k}`).not.toBe("");
      expect(ja[k].trim(), `ja.${k}`).not.toBe("");
      expect(placeholders(ja[k]), `ja.${k}`).toEqual(placeholders(en[k]));
    }
  });

  it("turn every stored English error back into Japanese", () => {
    for (const key of Object.keys(errorsEn) as ErrorKey[]) {
      const params = Object.fromEntries(placeholders(errorsEn[key]).map((p, i) => [p, `v${i}`]));
      const text = englishMessage(key, params);
      expect(parseMessage(text), key).toEqual({ key, params });
      const ja = localize(text, MESSAGES.ja);
      expect(ja, key).not.toBe(text);
      expect(ja).not.toMatch(/\{\w+\}/);
    }
  });

  it("translate a reason nested inside a message, and leave unknown text alone", () => {
    const inner = englishMessage("err_connection_refused", { host: "127.0.0.1", port: 9 });
    const outer = englishMessage("err_model_list_failed", { reason: inner });
    expect(localize(outer, MESSAGES.ja)).toBe(
      "サーバーは応答しましたが、モデル一覧を読み込めません: 127.0.0.1:9 で待ち受けているサーバーがありません。サーバーが起動しているか、ポート番号が正しいか確認してください。",
    );
    expect(localize("something else", MESSAGES.ja)).toBe("something else");
    expect(localize(null, MESSAGES.ja)).toBe("");
  });
});
