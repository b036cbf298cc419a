// The detail modal's actions: Test, Sync, Download model (xLLM only, with a progress bar), Open in Playground,
// Edit and Delete (with confirmation).
import { expect, login, registerEndpoint, shot, test, waitForStatus } from "./support/fixtures";
import { EndpointsPage } from "./support/endpoints-page";

test("detail modal: test, sync, download with progress, edit and delete", async ({ page, api, fakes }, testInfo) => {
  const xllm = await fakes.start({ kind: "xllm" });
  const ollama = await fakes.start({ kind: "ollama" });
  const id = await registerEndpoint(api, "Lab xLLM", xllm.url);
  const ollamaId = await registerEndpoint(api, "Lab Ollama", ollama.url);
  await waitForStatus(api, id, "online");
  await waitForStatus(api, ollamaId, "online");

  await login(page);
  const ep = new EndpointsPage(page);
  await ep.openFromMenu();

  // no download for a type that cannot do it
  const other = await ep.openDetail("Lab Ollama");
  await expect(other.getByTestId("type-badge")).toHaveAttribute("data-type", "ollama");
  await expect(other.getByTestId("download-panel")).toHaveCount(0);
  await ep.closeDetail();

  const detail = await ep.openDetail("Lab xLLM");
  await expect(ep.detailTitle.getByTestId("type-badge")).toHaveAttribute("data-type", "xllm");
  await expect(detail.getByTestId("detail-url")).toHaveText(xllm.url);
  await expect(detail.getByTestId("detail-model")).toContainText(["llama-3.2-1b"]);

  await detail.getByRole("button", { name: "Test", exact: true }).click();
  await expect(detail.getByTestId("detail-notice")).toContainText("Connection succeeded");
  await detail.getByRole("button", { name: "Sync", exact: true }).click();
  await expect(detail.getByTestId("detail-notice")).toContainText("Models synced: 1");

  const panel = detail.getByTestId("download-panel");
  await panel.getByLabel("Model").fill("qwen-7b");
  await panel.getByRole("button", { name: "Download" }).click();
  const progress = panel.getByTestId("download-progress");
  await expect(progress).toHaveAttribute("data-status", "completed");
  await expect(progress.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(detail.getByTestId("detail-model")).toHaveCount(2);
  await expect(detail.getByTestId("detail-model").filter({ hasText: "qwen-7b" })).toBeVisible();
  await shot(page, testInfo, "01-downloaded");

  const playground = detail.getByRole("link", { name: "Open in Playground" });
  await expect(playground).toHaveAttribute("href", new RegExp(`endpoint=${id}&model=`));

  await detail.getByRole("button", { name: "Edit", exact: true }).click();
  await detail.getByLabel("Name", { exact: true }).fill("Renamed xLLM");
  await detail.getByText("Advanced settings").click();
  await detail.getByLabel("Health check interval (s)").fill("5");
  await detail.getByRole("button", { name: "Save", exact: true }).click();
  await expect(detail.getByTestId("error-health_check_interval_secs")).toBeVisible();
  await detail.getByLabel("Health check interval (s)").fill("60");
  await detail.getByRole("button", { name: "Save", exact: true }).click();
  await expect(ep.detailTitle).toContainText("Renamed xLLM");
  await expect(ep.row("Renamed xLLM")).toBeVisible();
  expect((await api("GET", `/api/endpoints/${id}`)).body).toMatchObject({
    name: "Renamed xLLM",
    health_check_interval_secs: 60,
  });
  await shot(page, testInfo, "02-edited");

  await detail.getByRole("button", { name: "Delete", exact: true }).click();
  await detail.getByRole("group").getByRole("button", { name: "Delete" }).click();
  await expect(ep.detail).toHaveCount(0);
  await expect(ep.row("Renamed xLLM")).toHaveCount(0);
  await expect(ep.rows).toHaveCount(1);
  expect((await api("GET", `/api/endpoints/${id}`)).status).toBe(404);
});
