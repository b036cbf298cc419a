// Visibility: the endpoints list marks where models are loaded, the detail shows the engine's telemetry
// (loaded models with context and VRAM, queue, slots, age), and the Playground's endpoint picker marks the
// endpoints that have the chosen model loaded.
import { expect, login, registerEndpoint, shot, test, waitForStatus } from "./support/fixtures";
import { EndpointsPage } from "./support/endpoints-page";

test("engine telemetry in the list, the detail and the Playground", async ({ page, api, fakes }, testInfo) => {
  const ollama = await fakes.start({
    kind: "ollama",
    models: ["llama3:latest", "qwen:latest"],
    engine: { parallel: 2, maxLoaded: 1, loaded: ["llama3:latest"], contextLength: 8192 },
  });
  const llamacpp = await fakes.start({
    kind: "llamacpp",
    models: ["tiny.gguf"],
    engine: { parallel: 4, contextLength: 2048 },
  });
  const ollamaId = await registerEndpoint(api, "GPU Ollama", ollama.url);
  const llamaId = await registerEndpoint(api, "CPU llama.cpp", llamacpp.url);
  await waitForStatus(api, ollamaId, "online");
  await waitForStatus(api, llamaId, "online");
  await expect
    .poll(async () => (await api("GET", `/api/endpoints/${ollamaId}`)).body.telemetry?.stale, { timeout: 10_000 })
    .toBe(false);
  await expect
    .poll(async () => (await api("GET", `/api/endpoints/${llamaId}`)).body.telemetry?.stale, { timeout: 10_000 })
    .toBe(false);

  await login(page);
  const ep = new EndpointsPage(page);
  await ep.openFromMenu();
  await expect(ep.row("GPU Ollama").getByTestId("endpoint-loaded")).toHaveText("1 loaded");
  await expect(ep.row("GPU Ollama").getByTestId("endpoint-loaded").locator("..")).toHaveAttribute(
    "title",
    "llama3:latest",
  );

  const detail = await ep.openDetail("GPU Ollama");
  const tm = detail.getByTestId("detail-telemetry");
  await expect(tm).toContainText("Engine telemetry");
  await expect(tm.getByTestId("telemetry-age")).toContainText("Read");
  await expect(tm.getByTestId("telemetry-loaded-model")).toHaveCount(1);
  await expect(tm.getByTestId("telemetry-loaded-model")).toContainText(["llama3:latest"]);
  await expect(tm.getByTestId("telemetry-loaded-model")).toContainText(/8.?192/);
  await expect(tm.getByTestId("telemetry-loaded-model")).toContainText("GiB");
  await expect(
    detail.getByTestId("detail-model").filter({ hasText: "llama3:latest" }).getByTestId("loaded-mark"),
  ).toBeVisible();
  await expect(
    detail.getByTestId("detail-model").filter({ hasText: "qwen:latest" }).getByTestId("loaded-mark"),
  ).toHaveCount(0);
  await shot(page, testInfo, "01-ollama-telemetry");
  await ep.closeDetail();

  const cpp = await ep.openDetail("CPU llama.cpp");
  await expect(cpp.getByTestId("telemetry-slots")).toHaveText("0 / 4");
  await expect(cpp.getByTestId("telemetry-queue")).toHaveText("0 / 0");
  await expect(cpp.getByTestId("telemetry-loaded-model")).toContainText(/2.?048/);
  await shot(page, testInfo, "02-llamacpp-telemetry");
  await ep.closeDetail();

  await page.goto(`/dashboard/playground?model=llama3:latest`);
  const pin = page.getByTestId("endpoint-pin").filter({ hasText: "GPU Ollama" });
  await expect(pin.getByTestId("pin-loaded")).toHaveText("loaded");
  await shot(page, testInfo, "03-playground-loaded");
});
