import { describe, expect, it } from "vitest";
import { groupsFromClaims, roleForGroups, usernameFromClaims } from "./oidc-claims";

describe("groupsFromClaims", () => {
  it.each([
    [{ groups: ["a", "b", 3] }, "groups", ["a", "b"]],
    [{ groups: "a, b c" }, "groups", ["a", "b", "c"]],
    [{ realm_access: { roles: ["admins"] } }, "realm_access.roles", ["admins"]],
    [{ groups: { nested: true } }, "groups", []],
    [{}, "groups", []],
    [{ realm_access: "x" }, "realm_access.roles", []],
  ])("%o at %s → %o", (claims, claim, groups) => {
    expect(groupsFromClaims(claims, claim)).toEqual(groups);
  });
});

describe("roleForGroups", () => {
  it("is admin only for a member of an admin group", () => {
    expect(roleForGroups(["dev", "llmlb-admins"], ["llmlb-admins"])).toBe("admin");
    expect(roleForGroups(["dev"], ["llmlb-admins"])).toBe("viewer");
    expect(roleForGroups(["llmlb-admins"], [])).toBe("viewer");
    expect(roleForGroups([], ["x"])).toBe("viewer");
  });
});

describe("usernameFromClaims", () => {
  it("prefers preferred_username, then email, then sub", () => {
    expect(usernameFromClaims({ preferred_username: " alice ", email: "a@x", sub: "1" })).toBe("alice");
    expect(usernameFromClaims({ email: "a@x", sub: "1" })).toBe("a@x");
    expect(usernameFromClaims({ sub: "1" })).toBe("1");
    expect(usernameFromClaims({ preferred_username: "" })).toBe("user");
  });
});
