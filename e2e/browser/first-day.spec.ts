// Issue 19, "the admin's first day", in English and Japanese: the first-run checklist with snippets, API key
// presets (name in the banner, usage snippet, last used and request count), the models view, the duplicate-server
// warning, rows leaving "pending" promptly, the health chart of an offline endpoint, and the Japanese download
// button on one line. The Japanese run asserts no English error text on these pages.
import { expect, login, registerEndpoint, shot, test, waitForStatus } from "./support/fixtures";
import { EN, EndpointsPage, JA } from "./support/endpoints-page";
import { deadUrl } from "../fakes/upstream";

const TEXT = {
  en: {
    l: EN,
    locale: "en-US",
    refused: "Nothing is listening on",
    getStarted: "Get started",
    presets: ["Inference", "Read-only", "Admin"],
    readOnlyHint: "For monitoring",
    never: "never",
    dup: "reaches the same server as the endpoint",
    models: "Models",
    created: "Key created for",
  },
  ja: {
    l: JA,
    locale: "ja-JP",
    refused: "で待ち受けているサーバーがありません",
    getStarted: "はじめに",
    presets: ["推論", "読み取り専用", "管理者"],
    readOnlyHint: "監視向け",
    never: "未使用",
    dup: "と同じサーバーです",
    models: "モデル",
    created: "作成したキー:",
  },
} as const;

const ENGLISH_ERRORS =
  /fetch failed|ECONNREFUSED|ENOTFOUND|unexpected status|Nothing is listening|was not found|Too small|expected string|timed out|Required\.|HTTP 404\)/;

for (const lang of ["en", "ja"] as const) {
  const x = TEXT[lang];
  test.describe(`first day (${lang})`, () => {
    test.use({ locale: x.locale });

    test(`checklist, key presets with snippet, last used and count (${lang})`, async ({ page, server }, testInfo) => {
      await login(page);
      const checklist = page.getByTestId("onboarding");
      await expect(checklist).toContainText(x.getStarted);
      await expect(checklist.getByTestId("step-endpoint")).toHaveAttribute("data-done", "false");
      for (const [tab, text] of [
        ["curl", "/v1/chat/completions"],
        ["OpenAI SDK (Python)", 'base_url="http://'],
        ["OpenAI SDK (JS)", "baseURL:"],
        ["Anthropic SDK", "client.messages.create"],
      ] as const) {
        await checklist.getByRole("tab", { name: tab }).click();
        await expect(checklist.getByTestId("snippet")).toContainText(text);
        await expect(checklist.getByTestId("snippet")).toContainText(server.url);
      }
      await shot(page, testInfo, `checklist-${lang}`);

      await page.goto("/dashboard/api-keys");
      const presets = page.getByTestId("key-presets");
      for (const name of x.presets) await expect(presets.getByRole("button", { name })).toBeVisible();
      await presets.getByRole("button", { name: x.presets[1] }).click();
      await expect(page.getByText(x.readOnlyHint).first()).toBeVisible();
      await expect(page.locator('input[value="logs.read"]')).toBeChecked();
      await expect(page.locator('input[value="openai.inference"]')).not.toBeChecked();
      await presets.getByRole("button", { name: x.presets[0] }).click();
      await expect(page.locator('input[value="openai.inference"]')).toBeChecked();
      await page.locator('input[name="name"]').fill("my-app");
      await page
        .locator("form")
        .getByRole("button", { name: lang === "en" ? "Create API key" : /作成/ })
        .click();
      const banner = page.getByTestId("new-key");
      await expect(banner.getByTestId("new-key-name")).toHaveText("my-app");
      await expect(banner).toContainText(x.created);
      const key = (await banner.getByTestId("new-key-value").innerText()).trim();
      await expect(banner.getByTestId("snippet")).toContainText(key);
      const row = page.locator('[data-testid="api-key-row"][data-key-name="my-app"]');
      await expect(row.getByTestId("api-key-last-used")).toHaveText(x.never);
      await expect(row.getByTestId("api-key-requests")).toHaveText("0");
      // a request under the key (and a last-used time, which the /v1 side writes) show up
      const id = (await server.db().execute({ sql: "SELECT id FROM api_keys WHERE name = 'my-app'", args: [] })).rows[0]
        .id as string;
      await server.db().execute({ sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", args: [Date.now(), id] });
      await server.db().execute({
        sql: "INSERT INTO request_log (ts, request_id, api_key_id, route, status, duration_ms, stream, retries) VALUES (?, 'k1', ?, '/v1/models', 200, 1, 0, 0)",
        args: [Date.now(), id],
      });
      await page.reload();
      await expect(row.getByTestId("api-key-requests")).toHaveText("1");
      await expect(row.getByTestId("api-key-last-used")).not.toHaveText(x.never);
      await page.goto("/dashboard");
      await expect(page.getByTestId("onboarding")).toBeVisible(); // no endpoint yet
    });

    test(`models view, duplicate server, prompt pending, offline chart, no English errors (${lang})`, async ({
      page,
      api,
      fakes,
    }, testInfo) => {
      const a = await fakes.start({ kind: "ollama", models: ["llama3.1:8b", "qwen2:7b"] });
      const b = await fakes.start({ kind: "openai", models: ["qwen2:7b"] });
      const down = await registerEndpoint(api, "Down box", await deadUrl());
      await login(page);
      const ep = new EndpointsPage(page, x.l);
      await ep.openFromMenu();
      // two rows registered in quick succession leave "pending" within a second of the backend having them online
      for (const [name, url] of [
        ["Ollama A", a.url],
        ["Open B", b.url],
      ] as const) {
        await ep.openNewDialog();
        await ep.fillNew(name, url);
        await ep.save();
        await expect(ep.row(name)).toBeVisible();
      }
      const ids = (await api("GET", "/api/endpoints")).body.endpoints
        .filter((e: { name: string }) => e.name !== "Down box")
        .map((e: { id: string }) => e.id);
      for (const id of ids) await waitForStatus(api, id, "online");
      const t0 = Date.now();
      await expect(ep.badge("Ollama A")).toHaveAttribute("data-status", "online", { timeout: 1000 });
      await expect(ep.badge("Open B")).toHaveAttribute("data-status", "online", { timeout: 1000 });
      expect(Date.now() - t0).toBeLessThan(1000);

      // the same server under another name is warned about
      await ep.openNewDialog();
      await ep.fillNew("A again", a.url.replace("127.0.0.1", "localhost"));
      const result = await ep.connectionTest();
      await expect(ep.dialog.getByTestId("duplicate-warning")).toContainText(x.dup);
      await expect(ep.dialog.getByTestId("duplicate-warning")).toContainText("Ollama A");
      await expect(result).toHaveAttribute("data-ok", "true");
      await page.keyboard.press("Escape");

      // the offline endpoint's health chart has no meaningless "1" scale; its error is in the reader's language
      await waitForStatus(api, down, "offline");
      const detail = await ep.openDetail("Down box");
      // no models: "Open in Playground" is disabled, not a link to an empty Playground
      await expect(detail.getByTestId("open-playground-disabled")).toBeDisabled();
      // a failed test says why once, not again as "last error"
      await expect(detail.getByTestId("detail-last-error")).toBeVisible();
      await detail.getByRole("button", { name: lang === "en" ? "Test" : "テスト", exact: true }).click();
      await expect(detail.getByTestId("detail-notice")).toContainText(x.refused);
      await expect(detail.getByTestId("detail-last-error")).toHaveCount(0);
      await expect(detail.getByTestId("health-chart")).toBeVisible();
      const chartLines = (await detail.getByTestId("health-chart").innerText()).split("\n").map((s) => s.trim());
      expect(chartLines).not.toContain("1"); // the scale of failed checks used to read "1" (ms)
      if (lang === "ja") expect(await detail.innerText()).not.toMatch(ENGLISH_ERRORS);
      await ep.closeDetail();

      // the models view: each model with the endpoints serving it, click through to an endpoint
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: x.models, exact: true }).click();
      await page.waitForURL(/\/dashboard\/models$/);
      const qwen = page
        .getByTestId("model-row")
        .filter({ has: page.getByTestId("model-id").getByText("qwen2:7b", { exact: true }) });
      await expect(qwen.getByTestId("model-endpoint")).toHaveCount(2);
      await expect(qwen).toContainText("2 / 2");
      await shot(page, testInfo, `models-${lang}`);
      await qwen.getByRole("link", { name: "Open B" }).click();
      await expect(page.getByTestId("endpoint-detail")).toContainText("Open B");

      if (lang === "ja") {
        for (const path of [
          "/dashboard",
          "/dashboard/endpoints",
          "/dashboard/models",
          "/dashboard/history",
          "/dashboard/api-keys",
          "/dashboard/get-started",
        ]) {
          await page.goto(path);
          await page.getByRole("heading", { level: 1 }).first().waitFor();
          expect(await page.locator("main").innerText(), path).not.toMatch(ENGLISH_ERRORS);
        }
      }
    });
  });
}

test("the Japanese download button stays on one line", async ({ page, api, fakes }) => {
  test.info().annotations.push({ type: "issue", description: "19: 日本語のダウンロードボタンが折り返す" });
  const xllm = await fakes.start({ kind: "xllm" });
  await registerEndpoint(api, "Lab xLLM", xllm.url);
  await page.setViewportSize({ width: 390, height: 844 });
  await page
    .context()
    .addCookies([
      { name: "llmlb_lang", value: "ja", url: page.url() === "about:blank" ? "http://127.0.0.1" : page.url() },
    ]);
  await login(page);
  const ep = new EndpointsPage(page, JA);
  await page.goto("/dashboard/endpoints");
  const detail = await ep.openDetail("Lab xLLM");
  const button = detail.getByRole("button", { name: "ダウンロード", exact: true });
  await expect(button).toHaveText("ダウンロード");
  const box = await button.boundingBox();
  const lineHeight = await button.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
  expect(box!.height).toBeLessThan(lineHeight * 2);
});
