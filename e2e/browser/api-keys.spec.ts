// Journey 6: create an API key in the UI, use it over HTTP, revoke it in the UI, and see it refused (401).
import { expect, login, shot, test } from "./support/fixtures";

test("create, use and revoke an API key", async ({ page }, testInfo) => {
  await login(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
  await page.waitForURL(/\/dashboard\/api-keys$/);

  const form = page.getByRole("form", { name: "Create API key" });
  await form.getByLabel("Name").fill("ci-reader");
  await form.getByLabel("endpoints.read").check();
  await form.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByTestId("new-key-value").innerText()).trim();
  expect(key).toMatch(/^sk_[A-Za-z0-9]{32,}$/);
  const row = page.getByTestId("api-key-row").filter({ hasText: "ci-reader" });
  await expect(row.getByTestId("api-key-status")).toHaveText("active");
  await expect(row).toContainText("endpoints.read");
  await shot(page, testInfo, "01-created");

  const auth = { Authorization: `Bearer ${key}` };
  const ok = await page.request.get("/api/endpoints", { headers: auth });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toMatchObject({ total: 0 });
  // the key only has the permissions ticked
  expect((await page.request.get("/api/users", { headers: auth })).status()).toBe(403);

  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("group").getByRole("button", { name: "Revoke" }).click();
  await expect(row.getByTestId("api-key-status")).toHaveText("revoked");
  await shot(page, testInfo, "02-revoked");
  await expect
    .poll(async () => (await page.request.get("/api/endpoints", { headers: auth })).status(), { timeout: 2000 })
    .toBe(401);
});
