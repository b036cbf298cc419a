import { describe, expect, it } from "vitest";
import { MESSAGES, pickLang } from "./messages";

describe("i18n", () => {
  it("has every label in both languages, and Japanese follows the seed's words", () => {
    expect(Object.keys(MESSAGES.ja).sort()).toEqual(Object.keys(MESSAGES.en).sort());
    expect(MESSAGES.ja.newEndpoint).toBe("新規エンドポイント");
    expect(MESSAGES.ja.connectionTest).toBe("接続テスト");
    expect(MESSAGES.ja.save).toBe("保存");
    expect(MESSAGES.ja.status_pending).toBe("保留中");
    expect(MESSAGES.ja.status_online).toBe("オンライン");
  });
  it("follows the cookie, then the browser", () => {
    expect(pickLang("ja", "en-US")).toBe("ja");
    expect(pickLang(undefined, "ja-JP,ja;q=0.9,en;q=0.8")).toBe("ja");
    expect(pickLang(undefined, "fr-FR,en;q=0.5")).toBe("en");
    expect(pickLang("xx", null)).toBe("en");
  });
});
