// Sign-in through a real OpenID Connect provider (oidc-provider on loopback, e2e/harness/oidc-idp.ts), with the
// password form turned off (LLMLB_LOCAL_LOGIN=0).
import type { Page } from "@playwright/test";
import { test as base, ADMIN, expect, login, shot } from "./support/fixtures";
import { freePort, startIdp, type IdpUser, type TestIdp } from "../harness/oidc-idp";

const users: IdpUser[] = [
  { sub: "alice", groups: ["staff"] },
  { sub: "bob", groups: ["staff", "llmlb-admins"] },
  { sub: "carol", groups: ["staff"] },
];

const test = base.extend<{ localLogin: string; lbPort: number; idp: TestIdp }>({
  localLogin: ["0", { option: true }],
  lbPort: async ({}, use) => use(await freePort()),
  idp: async ({ lbPort }, use) => {
    const idp = await startIdp({
      redirectUri: `http://127.0.0.1:${lbPort}/api/auth/callback/oidc`,
      users: structuredClone(users),
    });
    await use(idp);
    await idp.stop();
  },
  serverEnv: async ({ lbPort, idp, localLogin }, use) =>
    use({
      LLMLB_PORT: String(lbPort),
      LLMLB_OIDC_ISSUER: idp.issuer,
      LLMLB_OIDC_CLIENT_ID: idp.clientId,
      LLMLB_OIDC_CLIENT_SECRET: idp.clientSecret,
      LLMLB_OIDC_NAME: "Test IdP",
      LLMLB_OIDC_ADMIN_GROUPS: "llmlb-admins",
      LLMLB_LOCAL_LOGIN: localLogin,
    }),
});

/** From the login page through the provider's login and consent pages; returns where the browser lands. */
async function signInWithIdp(page: Page, idp: TestIdp, login: string): Promise<void> {
  // the provider's development pages link a web font: tests talk only to loopback
  await page.context().route(
    (u) => u.hostname !== "127.0.0.1",
    (r) => r.abort(),
  );
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await page.waitForURL((u) => u.href.startsWith(idp.issuer));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // the consent page, unless the provider remembers the grant
  const consent = page.getByRole("button", { name: "Continue" });
  await Promise.race([consent.click().catch(() => undefined), page.waitForURL((u) => !u.href.startsWith(idp.issuer))]);
}

async function userRow(server: { db(): { execute(sql: string): Promise<{ rows: unknown[] }> } }, username: string) {
  const { rows } = await server
    .db()
    .execute(`select username, role, provider, password_hash from users where username = '${username}'`);
  return rows[0] as { username: string; role: string; provider: string; password_hash: string } | undefined;
}

const sessionCookie = async (page: Page) =>
  (await page.context().cookies()).find((c) => c.name.endsWith("next-auth.session-token"));

test("local login hidden; a first sign-in creates a viewer", async ({ page, server, idp }, testInfo) => {
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in with Test IdP" })).toBeVisible();
  await expect(page.locator('input[name="password"]')).toHaveCount(0);
  expect(Object.keys(await (await page.request.get("/api/auth/providers")).json())).toEqual(["oidc"]);
  await shot(page, testInfo, "login-oidc-only");

  await signInWithIdp(page, idp, "alice");
  await page.waitForURL(/\/dashboard$/);
  expect(await userRow(server, "alice")).toEqual({
    username: "alice",
    role: "viewer",
    provider: "oidc",
    password_hash: "",
  });
  await page.goto("/dashboard/users");
  await expect(page.getByText("Only administrators can manage users.")).toBeVisible();
});

test("the admin group makes an admin, shown with its provider; the role follows the groups at each sign-in", async ({
  page,
  server,
  idp,
}, testInfo) => {
  await signInWithIdp(page, idp, "bob");
  await page.waitForURL(/\/dashboard$/);
  expect((await userRow(server, "bob"))?.role).toBe("admin");
  await page.goto("/dashboard/users");
  const row = page.locator('[data-testid="user-row"][data-username="bob"]');
  await expect(row.getByTestId("user-provider")).toHaveText("oidc");
  await expect(page.locator('[data-testid="user-row"][data-username="admin"]').getByTestId("user-provider")).toHaveText(
    "password",
  );
  await shot(page, testInfo, "users-with-provider");

  // bob leaves the admin group: at his next sign-in he is a viewer
  idp.users.find((u) => u.sub === "bob")!.groups = ["staff"];
  await page.context().clearCookies();
  await signInWithIdp(page, idp, "bob");
  await page.waitForURL(/\/dashboard$/);
  expect((await userRow(server, "bob"))?.role).toBe("viewer");
});

test("a wrong state is refused", async ({ page, server, idp }) => {
  idp.forgeState = true;
  await signInWithIdp(page, idp, "carol");
  await page.waitForURL(/\/login\?.*error=OAuthCallback/);
  await expect(page.getByTestId("sso-error")).toBeVisible();
  expect(await userRow(server, "carol")).toBeUndefined();
  expect(await sessionCookie(page)).toBeUndefined();
  expect(server.output()).toMatch(/state mismatch/);
});

test("a tampered ID token is refused", async ({ page, server, idp }) => {
  idp.tamper = { groups: ["llmlb-admins"] };
  await signInWithIdp(page, idp, "carol");
  await page.waitForURL(/\/login\?.*error=OAuthCallback/);
  await expect(page.getByTestId("sso-error")).toBeVisible();
  expect(await userRow(server, "carol")).toBeUndefined();
  expect(await sessionCookie(page)).toBeUndefined();
  expect(server.output()).toMatch(/signature/i);
});

test.describe("with local login on", () => {
  test.use({ localLogin: "1" });

  test("the button sits next to the form, and the last local admin stays while local login is on", async ({
    page,
    idp,
    api,
  }, testInfo) => {
    await page.goto("/login");
    await expect(page.getByRole("button", { name: "Sign in with Test IdP" })).toBeVisible();
    await expect(page.locator('input[name="password"]')).toBeVisible();
    await shot(page, testInfo, "login-both");

    await signInWithIdp(page, idp, "bob"); // an admin by group
    await page.waitForURL(/\/dashboard$/);
    const users = (await api("GET", "/api/users")).body.users as { id: string; username: string; provider: string }[];
    const local = users.find((u) => u.username === ADMIN.username)!;
    const bob = users.find((u) => u.username === "bob")!;
    expect(bob.provider).toBe("oidc");
    const refused = await api("DELETE", `/api/users/${local.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe("the last local admin (local login is on) cannot be deleted");
    expect((await api("PATCH", `/api/users/${local.id}`, { role: "viewer" })).status).toBe(409);
    // bob, the admin from the provider, may go: the local admin remains
    expect((await api("DELETE", `/api/users/${bob.id}`)).status).toBe(204);
    await page.context().clearCookies();
    await login(page);
  });
});
