import { describe, expect, it } from "vitest";
import { adminRemovalRefusal } from "./last-admin";

const local = (id: string) => ({ id, provider: "local" });
const sso = (id: string) => ({ id, provider: "oidc" });

describe("adminRemovalRefusal", () => {
  it.each([
    ["a viewer", { ...local("v"), role: "viewer" }, [local("a")], true, null],
    ["the only admin", { ...local("a"), role: "admin" }, [local("a")], false, "the last admin"],
    ["the only admin, an OIDC one", { ...sso("s"), role: "admin" }, [sso("s")], true, "the last admin"],
    [
      "the last local admin, local login on",
      { ...local("a"), role: "admin" },
      [local("a"), sso("s")],
      true,
      "the last local admin (local login is on)",
    ],
    ["the last local admin, local login off", { ...local("a"), role: "admin" }, [local("a"), sso("s")], false, null],
    ["an OIDC admin beside a local one", { ...sso("s"), role: "admin" }, [local("a"), sso("s")], true, null],
    ["one of two local admins", { ...local("a"), role: "admin" }, [local("a"), local("b")], true, null],
  ])("%s", (_, target, admins, localLogin, refusal) => {
    expect(adminRemovalRefusal({ target, admins, localLogin })).toBe(refusal);
  });
});
