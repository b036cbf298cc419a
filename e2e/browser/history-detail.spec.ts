// Issue 19: history you can read (who, error in words, detail drawer, filter by key, CSV), a deleted endpoint's
// name kept, the overview's success rate split and its "needs attention" panel — in English and Japanese.
import { expect, login, registerEndpoint, shot, test, waitForStatus } from "./support/fixtures";
import { deadUrl } from "../fakes/upstream";

const TEXT = {
  en: {
    locale: "en-US",
    keyError: "The API key is missing, wrong, expired or revoked.",
    attention: "Needs attention",
    refused: "Nothing is listening on",
  },
  ja: {
    locale: "ja-JP",
    keyError: "API キーがない、誤り、期限切れ、または失効しています。",
    attention: "要対応",
    refused: "で待ち受けているサーバーがありません",
  },
} as const;

for (const lang of ["en", "ja"] as const) {
  const x = TEXT[lang];
  test.describe(`history and overview (${lang})`, () => {
    test.use({ locale: x.locale });

    test(`history detail, key filter, CSV; deleted endpoint keeps its name; needs attention (${lang})`, async ({
      page,
      api,
      server,
    }, testInfo) => {
      const gone = await registerEndpoint(api, "Gone Ollama", await deadUrl());
      const down = await registerEndpoint(api, "Down vLLM", await deadUrl());
      const key = (await api("POST", "/api/api-keys", { name: "ci-bot", permissions: ["openai.inference"] })).body;
      const db = server.db();
      const now = Date.now();
      const insert = (i: number, ep: string | null, status: number, keyId: string | null, code: string | null) =>
        db.execute({
          sql: `INSERT INTO request_log (ts, request_id, api_key_id, route, model, endpoint_id, status, duration_ms, ttft_ms, prompt_tokens, completion_tokens, stream, retries, error_code)
                VALUES (?, ?, ?, '/v1/chat/completions', 'm1', ?, ?, 120, 30, 5, 7, 0, ?, ?)`,
          args: [now - i * 60_000, `req-${i}`, keyId, ep, status, status >= 500 ? 1 : 0, code],
        });
      for (let i = 1; i <= 6; i++) await insert(i, gone, 200, key.id, null);
      for (let i = 7; i <= 10; i++) await insert(i, null, 401, null, "invalid_api_key");
      await insert(11, gone, 502, key.id, "upstream_error");

      // deleting the endpoint keeps its name in the history
      expect((await api("DELETE", `/api/endpoints/${gone}`)).status).toBe(204);
      const listed = (await api("GET", `/api/requests?api_key_id=${key.id}`)).body;
      expect(listed.total).toBe(7);
      expect(listed.requests[0]).toMatchObject({ endpoint_name: "Gone Ollama", api_key_name: "ci-bot" });
      // the success rate leaves the client's own 401s out: 6 of 7, not 6 of 11
      expect((await api("GET", "/api/stats/overview")).body.window).toMatchObject({
        client_errors: 4,
        server_errors: 1,
      });
      await waitForStatus(api, down, "offline");

      await login(page);
      await expect(page.getByTestId("stat-success")).toContainText("85.7%");
      const attention = page.getByTestId("needs-attention");
      await expect(attention).toContainText(x.attention);
      await expect(attention.getByTestId("attention-row")).toContainText("Down vLLM");
      await expect(attention).toContainText(x.refused);
      await shot(page, testInfo, `overview-${lang}`);
      await attention.getByTestId("attention-row").click();
      await expect(page.getByTestId("endpoint-detail")).toContainText("Down vLLM");

      await page.goto("/dashboard/history");
      const rows = page.getByTestId("request-row");
      await expect(rows).toHaveCount(11);
      await expect(rows.first()).toContainText("Gone Ollama");
      await expect(rows.first()).not.toContainText(gone.slice(0, 8));
      await expect(rows.filter({ hasText: "invalid_api_key" }).first().getByTestId("request-error")).toContainText(
        x.keyError,
      );
      // filter by key
      await page.getByTestId("history-filters").locator("select[aria-label]").nth(2).selectOption({ label: "ci-bot" });
      await expect(rows).toHaveCount(7);
      await expect(rows.first().getByTestId("request-who")).toHaveText("ci-bot");
      // the detail drawer
      await rows.first().click();
      const drawer = page.getByTestId("request-drawer");
      await expect(drawer).toContainText("req-1");
      await expect(drawer).toContainText("Gone Ollama");
      await expect(drawer).toContainText("120 ms");
      await shot(page, testInfo, `drawer-${lang}`);
      await page.keyboard.press("Escape");
      // CSV of what the list shows
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
      const csv = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString("utf8"));
      const lines = csv.trim().split("\r\n");
      expect(lines[0]).toMatch(/^ts,request_id,route,model,endpoint_name/);
      expect(lines).toHaveLength(8);
      expect(csv).toContain("Gone Ollama");
      expect(csv).toContain("ci-bot");
    });
  });
}
