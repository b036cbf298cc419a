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

describe("parseEnv: telemetry budget and the control thread's priority", () => {
  it("defaults to 250 engine requests/s and nice 10", () => {
    const e = parseEnv({});
    expect(e.LLMLB_TELEMETRY_MAX_READS_PER_SEC).toBe(250);
    expect(e.LLMLB_CONTROL_THREAD_NICE).toBe(10);
  });
  it("takes 0 for either (no budget, the same priority)", () => {
    const e = parseEnv({ LLMLB_TELEMETRY_MAX_READS_PER_SEC: "0", LLMLB_CONTROL_THREAD_NICE: "0" });
    expect([e.LLMLB_TELEMETRY_MAX_READS_PER_SEC, e.LLMLB_CONTROL_THREAD_NICE]).toEqual([0, 0]);
  });
  it("refuses a nice value past 19 or below 0, naming the variable", () => {
    for (const v of ["20", "-1"])
      expect(() => parseEnv({ LLMLB_CONTROL_THREAD_NICE: v })).toThrow(/LLMLB_CONTROL_THREAD_NICE/);
  });
});
