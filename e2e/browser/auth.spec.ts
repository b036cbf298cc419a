// Journey 1: login with wrong then right credentials; /dashboard without a session redirects to /login;
// sign-out ends the session.
import { ADMIN, expect, shot, test } from "./support/fixtures";

test("login, protected dashboard and sign-out", async ({ page }, testInfo) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login$/);

  await page.locator('input[name="username"]').fill(ADMIN.username);
  await page.locator('input[name="password"]').fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/login$/);
  await shot(page, testInfo, "01-login-failed");

  await page.locator('input[name="password"]').fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  const menu = page.getByRole("navigation", { name: "Main" });
  for (const item of ["Overview", "Endpoints", "Playground", "Request history", "API keys", "Users", "Account"]) {
    await expect(menu.getByRole("link", { name: item, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("overview-endpoints")).toBeVisible();
  await expect(page.getByTestId("chart-requests")).toBeVisible();
  expect((await page.request.get("/api/me")).status()).toBe(200);
  await shot(page, testInfo, "02-overview");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect((await page.request.get("/api/me")).status()).toBe(401);
  await page.goto("/dashboard/endpoints");
  await expect(page).toHaveURL(/\/login$/);
  await shot(page, testInfo, "03-signed-out");
});
