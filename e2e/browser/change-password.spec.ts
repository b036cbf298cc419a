// Journey: a forced password change in the dashboard. The user signs in with a reset password, is sent to the
// account page, changes it, and carries on signed in (dashboard, /api and the Playground's /v1); a session from
// before the change, in another browser, is signed out.
import { expect, shot, test } from "./support/fixtures";

test("a forced password change keeps this session and ends the older ones", async ({
  page,
  api,
  server,
  browser,
}, testInfo) => {
  const created = await api("POST", "/api/users", { username: "rita", password: "rita-password-1", role: "viewer" });
  expect(created.status).toBe(201);
  expect((await api("PATCH", `/api/users/${created.body.id}`, { password: "rita-password-2" })).status).toBe(200);

  // another browser, signed in before the change
  const other = await browser.newContext({ baseURL: server.url });
  const otherPage = await other.newPage();
  const signIn = async (p: typeof page, password: string) => {
    await p.goto("/login");
    await p.locator('input[name="username"]').fill("rita");
    await p.locator('input[name="password"]').fill(password);
    await p.locator('form button[type="submit"]').click();
    await p.waitForURL(/\/dashboard\/account$/);
  };
  await signIn(otherPage, "rita-password-2");
  await signIn(page, "rita-password-2");
  await expect(page.getByRole("status")).toContainText("Choose a new one");
  expect((await page.request.get("/v1/models", { headers: { origin: server.url } })).status()).toBe(401);

  await page.getByLabel("Current password").fill("rita-password-2");
  await page.getByLabel("New password").fill("rita-password-3");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(/\/dashboard\/account$/);
  await expect(page.getByRole("status")).toHaveCount(0);
  await shot(page, testInfo, "01-password-changed");

  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  expect((await page.request.get("/api/me")).status()).toBe(200);
  expect((await page.request.get("/v1/models", { headers: { origin: server.url } })).status()).toBe(200);

  // the session from before the change is over: pages send it to /login, which shows the form (no loop)
  await otherPage.goto("/dashboard");
  await expect(otherPage).toHaveURL(/\/login$/);
  await expect(otherPage.locator('input[name="username"]')).toBeVisible();
  expect((await otherPage.request.get("/api/me")).status()).toBe(401);
  await other.close();
});
