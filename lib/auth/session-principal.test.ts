import { describe, expect, it } from "vitest";
import { principalForSession, type SessionUserState } from "./session-principal";

const user: SessionUserState = {
  id: "u1",
  username: "ann",
  role: "viewer",
  mustChangePassword: false,
  credentialVersion: 2,
};

describe("principalForSession", () => {
  it("stands for the user while the session's credential version is current", () => {
    expect(principalForSession({ uid: "u1", cv: 2 }, user)).toMatchObject({
      kind: "user",
      id: "u1",
      name: "ann",
      role: "viewer",
      mustChangePassword: false,
    });
  });

  it.each([
    ["issued before a password change", { uid: "u1", cv: 1 }, user],
    ["from a version the user never had", { uid: "u1", cv: 3 }, user],
    ["for a deleted user", { uid: "u1", cv: 2 }, undefined],
    ["for another user", { uid: "u2", cv: 2 }, user],
    ["without a user id", { cv: 2 }, user],
  ])("is worthless when %s", (_label, claims, row) => {
    expect(principalForSession(claims, row)).toBeNull();
  });

  it("counts a token from before credential versions as version 0", () => {
    expect(principalForSession({ uid: "u1" }, { ...user, credentialVersion: 0 })).not.toBeNull();
    expect(principalForSession({ uid: "u1" }, user)).toBeNull();
  });

  it("takes role and the forced-change flag from the row, not the token", () => {
    expect(
      principalForSession({ uid: "u1", cv: 2 }, { ...user, role: "admin", mustChangePassword: true }),
    ).toMatchObject({ role: "admin", mustChangePassword: true });
  });
});
