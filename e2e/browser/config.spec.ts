// The dashboard's configuration page (export, import with a dry-run diff, apply) and the API reference page.
import { test, expect, login, shot } from "./support/fixtures";

test("export, then import a file: the diff first, applied on request", async ({ page, api }, testInfo) => {
  await login(page);
  await page.goto("/dashboard/config");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export" }).click();
  const exported = JSON.parse(
    await (await (await download).createReadStream()).toArray().then((c) => Buffer.concat(c).toString()),
  );
  expect(exported.users.map((u: { username: string }) => u.username)).toEqual(["admin"]);

  const doc = {
    ...exported,
    endpoints: [{ name: "from-git", base_url: "http://127.0.0.1:9/ollama", health_check_interval_secs: 300 }],
    users: [...exported.users, { username: "dora", role: "viewer" }],
  };
  await page.getByTestId("config-file").setInputFiles({
    name: "llmlb-config.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(doc)),
  });
  const diff = page.getByTestId("config-diff");
  await expect(diff).toContainText("Dry run: nothing has changed yet.");
  await expect(diff).toContainText("from-git");
  await expect(diff).toContainText("created without a password");
  expect((await api("GET", "/api/config/export")).body.endpoints).toEqual([]);
  await shot(page, testInfo, "config-dry-run");

  await page.getByRole("button", { name: "Apply" }).click();
  await expect(diff).toContainText("Imported.");
  const users = (await api("GET", "/api/users")).body.users.map((u: { username: string }) => u.username);
  expect(users).toContain("dora");
});

test("the API reference renders the OpenAPI document", async ({ page }, testInfo) => {
  await login(page);
  await page.goto("/dashboard/api-reference");
  await expect(page.getByRole("heading", { name: "API reference" })).toBeVisible();
  const op = page.getByTestId("api-operation").filter({ hasText: "/v1/chat/completions" });
  await op.locator("summary").click();
  await expect(op).toContainText("messages");
  expect(await page.getByTestId("api-operation").count()).toBeGreaterThan(30);
  await shot(page, testInfo, "api-reference");
});
