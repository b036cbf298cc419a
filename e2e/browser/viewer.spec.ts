// Journey 8: a viewer sees everything read-only: no mutating controls, and the API refuses mutations.
import { expect, login, registerEndpoint, shot, test } from "./support/fixtures";
import { EndpointsPage } from "./support/endpoints-page";

test("a viewer cannot see or use mutating controls", async ({ page, api, fakes, server }, testInfo) => {
  const fake = await fakes.start({ kind: "xllm" });
  await registerEndpoint(api, "Shared xLLM", fake.url);
  expect(
    (await api("POST", "/api/users", { username: "vera", password: "viewer-password-1", role: "viewer" })).status,
  ).toBe(201);
  expect((await api("POST", "/api/api-keys", { name: "existing", permissions: ["openai.inference"] })).status).toBe(
    201,
  );

  await login(page, "vera", "viewer-password-1");
  const menu = page.getByRole("navigation", { name: "Main" });
  await expect(menu.getByRole("link", { name: "Endpoints" })).toBeVisible();
  await expect(menu.getByRole("link", { name: "Users" })).toHaveCount(0);

  const ep = new EndpointsPage(page);
  await ep.openFromMenu();
  await expect(ep.row("Shared xLLM")).toBeVisible();
  await expect(page.getByRole("button", { name: "New endpoint" })).toHaveCount(0);
  const detail = await ep.openDetail("Shared xLLM");
  await expect(detail.getByRole("link", { name: "Open in Playground" })).toBeVisible();
  for (const name of ["Test", "Sync", "Edit", "Delete", "Download"])
    await expect(detail.getByRole("button", { name, exact: true })).toHaveCount(0);
  await expect(detail.getByTestId("download-panel")).toHaveCount(0);
  await shot(page, testInfo, "01-viewer-detail");
  await ep.closeDetail();

  await menu.getByRole("link", { name: "API keys" }).click();
  await page.waitForURL(/\/dashboard\/api-keys$/);
  await expect(page.getByTestId("api-key-row")).toHaveCount(1);
  await expect(page.getByRole("form", { name: "Create API key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await shot(page, testInfo, "02-viewer-api-keys");

  await page.goto("/dashboard/users");
  await expect(page.getByRole("form", { name: "Create user" })).toHaveCount(0);
  await expect(page.getByText("Only administrators can manage users.")).toBeVisible();

  // and the API refuses a viewer's mutation even when sent by hand
  const res = await page.request.post("/api/endpoints", {
    headers: { origin: server.url },
    data: { name: "sneaky", base_url: "http://127.0.0.1:9" },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error).toMatchObject({ code: "forbidden", details: { permission: "endpoints.manage" } });
});
