import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env";

const oidc = {
  LLMLB_OIDC_ISSUER: "https://idp.example.com/realms/x",
  LLMLB_OIDC_CLIENT_ID: "llmlb",
  LLMLB_OIDC_CLIENT_SECRET: "s3cret-value",
};

describe("parseEnv: OpenID Connect", () => {
  it("is off by default, with local login on", () => {
    const e = parseEnv({});
    expect(e.LLMLB_OIDC_ISSUER).toBeUndefined();
    expect(e.LLMLB_LOCAL_LOGIN).toBe(true);
    expect(e.LLMLB_OIDC_ADMIN_GROUPS).toEqual([]);
    expect(e.LLMLB_OIDC_GROUPS_CLAIM).toBe("groups");
  });
  it("reads the admin groups as a comma-separated list", () => {
    expect(parseEnv({ ...oidc, LLMLB_OIDC_ADMIN_GROUPS: " ops, llm-admins ,," }).LLMLB_OIDC_ADMIN_GROUPS).toEqual([
      "ops",
      "llm-admins",
    ]);
  });
  it("refuses half a configuration, naming what is missing, and never echoes the secret", () => {
    expect(() => parseEnv({ LLMLB_OIDC_ISSUER: oidc.LLMLB_OIDC_ISSUER })).toThrow(
      /LLMLB_OIDC_CLIENT_ID: needed with LLMLB_OIDC_ISSUER/,
    );
    const err = (() => {
      try {
        parseEnv({ LLMLB_OIDC_CLIENT_SECRET: "s3cret-value" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toContain("LLMLB_OIDC_ISSUER");
    expect(err!.message).not.toContain("s3cret-value");
  });
  it("refuses LLMLB_LOCAL_LOGIN=0 without a provider: nobody could sign in", () => {
    expect(() => parseEnv({ LLMLB_LOCAL_LOGIN: "0" })).toThrow(/LLMLB_LOCAL_LOGIN: 0 needs/);
    expect(parseEnv({ ...oidc, LLMLB_LOCAL_LOGIN: "0" }).LLMLB_LOCAL_LOGIN).toBe(false);
  });
});
