import { describe, expect, it } from "vitest";
import { redact } from "./logger";

describe("redact", () => {
  it("drops secret-looking fields at any depth", () => {
    const out = redact({ password: "p", nested: { api_key: "k", list: [{ Authorization: "Bearer x" }] }, ok: 1 });
    expect(out).toEqual({
      password: "[redacted]",
      nested: { api_key: "[redacted]", list: [{ Authorization: "[redacted]" }] },
      ok: 1,
    });
  });

  it("masks client keys and Bearer tokens inside free text", () => {
    const key = "sk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    const out = redact({ error: `upstream said: invalid key ${key}; header was "Bearer upstream-secret-XYZ"` });
    expect(String(out.error)).not.toContain(key);
    expect(String(out.error)).not.toContain("upstream-secret-XYZ");
    expect(String(out.error)).toContain("sk_AbC…[redacted]");
  });

  it("leaves ordinary text and the short debug key names alone", () => {
    expect(redact({ msg: "sk_debug is ON", n: 3 })).toEqual({ msg: "sk_debug is ON", n: 3 });
  });
});
