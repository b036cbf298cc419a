import { describe, expect, it } from "vitest";
import { loginCredentials, parseLoginBody, topLevelJsonKeys } from "./login-body";

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

describe("parseLoginBody", () => {
  it("reads a form body as next-auth does", () => {
    expect(parseLoginBody(FORM, "csrfToken=t&username=ann&password=p%26q&json=true")).toEqual({
      ok: true,
      fields: { csrfToken: "t", username: "ann", password: "p&q", json: "true" },
    });
  });

  it.each([
    ["username=decoy&username=admin&password=x", "username"],
    ["username=admin&password=a&password=b", "password"],
    ["csrfToken=a&csrfToken=b&username=admin", "csrfToken"],
    ["username=admin&user%6eame=decoy", "username"],
  ])("refuses a repeated decisive form field: %s", (body, field) => {
    expect(parseLoginBody(FORM, body)).toEqual({ ok: false, repeated: field });
  });

  it("lets other fields repeat (next-auth ignores them)", () => {
    expect(parseLoginBody(FORM, "username=a&password=b&json=true&json=true").ok).toBe(true);
  });

  it("refuses a duplicate key in a JSON body, however it is escaped", () => {
    expect(parseLoginBody(JSON_TYPE, '{"username":"decoy","password":"x","username":"admin"}')).toEqual({
      ok: false,
      repeated: "username",
    });
    expect(parseLoginBody(JSON_TYPE, '{"username":"decoy", "user\\u006eame" :"admin"}')).toEqual({
      ok: false,
      repeated: "username",
    });
  });

  it("does not mistake nested keys or values for top-level keys", () => {
    const body =
      '{"username":"ann","password":"\\"username\\":","extra":{"username":"x"},"list":["username",{"password":1}]}';
    expect(parseLoginBody(JSON_TYPE, body)).toEqual({ ok: true, fields: JSON.parse(body) });
  });

  it("checks JSON first when the content type names both, as next-auth does", () => {
    expect(parseLoginBody(`${JSON_TYPE}; ${FORM}`, '{"username":"ann"}')).toEqual({
      ok: true,
      fields: { username: "ann" },
    });
  });

  it("yields no fields for another content type or an unparseable body", () => {
    expect(parseLoginBody("text/plain", "username=a")).toEqual({ ok: true, fields: {} });
    expect(parseLoginBody(JSON_TYPE, "{bad")).toEqual({ ok: true, fields: {} });
    expect(parseLoginBody(JSON_TYPE, '["username"]')).toEqual({ ok: true, fields: {} });
  });
});

describe("topLevelJsonKeys", () => {
  it("lists duplicates and skips nested objects", () => {
    expect(topLevelJsonKeys('{"a":1,"b":{"a":2},"a":[{"c":3}]}')).toEqual(["a", "b", "a"]);
  });
});

describe("loginCredentials", () => {
  it("stringifies and cuts as authorize() does", () => {
    expect(loginCredentials({ username: "u".repeat(70), password: ["p"] })).toEqual({
      username: "u".repeat(64),
      password: "p",
    });
    expect(loginCredentials(undefined)).toEqual({ username: "", password: "" });
  });
});
