// Journey 2: the seed's dashboard steps 1–3. Log in, Endpoints from the side menu, "New endpoint", name and URL,
// "Connection test" succeeds, "Save"; the row shows pending, then online by itself (no reload).
import { expect, login, registerEndpoint, shot, test } from "./support/fixtures";
import { EndpointsPage } from "./support/endpoints-page";
import { deadUrl } from "../fakes/upstream";

test("register an endpoint from the dashboard; it turns online without a reload", async ({ page, fakes }, testInfo) => {
  const fake = await fakes.start({ kind: "ollama" });
  await login(page);
  const ep = new EndpointsPage(page);
  await ep.openFromMenu();
  await expect(ep.rows).toHaveCount(0);

  await ep.openNewDialog();
  await ep.fillNew("Production Ollama", fake.url);
  const result = await ep.connectionTest();
  await expect(result).toHaveAttribute("data-ok", "true");
  await expect(result).toContainText("Connection succeeded");
  await expect(result.getByTestId("type-badge")).toHaveAttribute("data-type", "ollama");
  await expect(result).toContainText("llama3.1:8b");
  await expect(result).toContainText(/\d+ ms/);
  await shot(page, testInfo, "01-connection-test");

  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await ep.save();
  await expect(ep.dialog).toBeHidden();
  await expect(ep.badge("Production Ollama")).toHaveAttribute("data-status", "pending");
  await expect(ep.badge("Production Ollama")).toHaveText("pending");
  await shot(page, testInfo, "02-pending");

  await expect(ep.badge("Production Ollama")).toHaveAttribute("data-status", "online", { timeout: 15_000 });
  await expect(ep.badge("Production Ollama")).toHaveText("online");
  await expect(ep.row("Production Ollama")).toContainText("Ollama");
  await expect(ep.row("Production Ollama")).toContainText(fake.url);
  // still the same document: the status changed by polling, not by a reload
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await shot(page, testInfo, "03-online");

  const detail = await ep.openDetail("Production Ollama");
  await expect(detail.getByTestId("detail-model")).toHaveCount(2);
  await expect(detail.getByTestId("health-chart")).toBeVisible();
  await shot(page, testInfo, "04-detail");
});

test("field errors show next to the field; a duplicate name is refused", async ({ page, fakes, api }, testInfo) => {
  const fake = await fakes.start({ kind: "ollama" });
  await registerEndpoint(api, "Taken", fake.url);
  await login(page);
  const ep = new EndpointsPage(page);
  await ep.openFromMenu();
  await ep.openNewDialog();

  await ep.fillNew("Other", await deadUrl());
  const failed = await ep.connectionTest();
  await expect(failed).toHaveAttribute("data-ok", "false");
  await expect(failed).toContainText("Connection failed");

  await ep.fillNew("Other", "ftp://example");
  await ep.save();
  await expect(ep.dialog.getByTestId("error-base_url")).toContainText("http");

  await ep.fillNew("Taken", "http://127.0.0.1:9");
  await ep.save();
  await expect(ep.dialog.getByTestId("error-name")).toHaveText("already exists");
  await expect(ep.dialog.locator('input[name="name"]')).toHaveAttribute("aria-invalid", "true");
  await shot(page, testInfo, "field-errors");
  await expect(ep.rows).toHaveCount(1);
});
