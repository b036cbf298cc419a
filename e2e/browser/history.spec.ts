// Request history and overview: seeded request_log rows are filtered, paged and charted in the UI; the
// /api/requests query is validated (400 on bad values) and both routes check permissions.
import { expect, login, registerEndpoint, shot, test } from "./support/fixtures";
import { call } from "../harness/http";
import { deadUrl } from "../fakes/upstream";

test("request history filters and pages; the overview shows success rate and latency", async ({
  page,
  api,
  server,
}, testInfo) => {
  const endpointId = await registerEndpoint(api, "History Ollama", await deadUrl());
  const db = server.db();
  const now = Date.now();
  const rows: Array<[number, string | null, string | null, number, number, number | null, number | null]> = [];
  for (let i = 1; i <= 24; i++) rows.push([now - i * 60_000, "llama3.1:8b", endpointId, 200, i * 100, 10, 20]);
  for (let i = 0; i < 4; i++) rows.push([now - (30 + i) * 60_000, "qwen2:7b", endpointId, 500, 50, null, null]);
  for (let i = 0; i < 2; i++) rows.push([now - (40 + i) * 60_000, null, null, 401, 1, null, null]);
  for (const [i, [ts, model, ep, status, ms, prompt, completion]] of rows.entries()) {
    await db.execute({
      sql: `INSERT INTO request_log (ts, request_id, route, model, endpoint_id, status, duration_ms, prompt_tokens, completion_tokens, stream, retries)
            VALUES (?, ?, '/v1/chat/completions', ?, ?, ?, ?, ?, ?, 0, 0)`,
      args: [ts, `req-${i}`, model, ep, status, ms, prompt, completion],
    });
  }

  // the API: filters, paging, validation, permissions
  expect((await api("GET", "/api/requests?status=5xx")).body).toMatchObject({ total: 4, page: 1 });
  const page3 = (await api("GET", "/api/requests?page_size=10&page=3")).body;
  expect(page3.requests).toHaveLength(10);
  expect(page3.total).toBe(30);
  const sum = (points: Array<{ requests: number; errors: number }>, k: "requests" | "errors") =>
    points.reduce((n, p) => n + p[k], 0);
  expect(sum(page3.series.points, "requests")).toBe(30);
  expect(sum(page3.series.points, "errors")).toBe(6);
  expect(page3.requests[9]).toMatchObject({
    route: "/v1/chat/completions",
    status: 401,
    endpoint_id: null,
    endpoint_name: null,
  });
  expect(
    (await api("GET", `/api/requests?endpoint_id=${endpointId}&model=llama3.1:8b&page_size=1`)).body.requests[0],
  ).toMatchObject({ endpoint_name: "History Ollama", status: 200 });
  for (const bad of ["status=6xx", "page=0", "page_size=1000", "endpoint_id=nope", "from=yesterday", "bogus=1"]) {
    const res = await api("GET", `/api/requests?${bad}`);
    expect(res.status, bad).toBe(400);
    expect(res.body.error.code).toBe("validation_error");
  }
  expect((await call(server.url, "GET", "/api/requests", { key: "sk_debug_api" })).status).toBe(403);
  expect((await call(server.url, "GET", "/api/stats/overview", { key: "sk_debug_api" })).status).toBe(403);
  expect((await call(server.url, "GET", "/api/requests")).status).toBe(401);
  const overview = (await call(server.url, "GET", "/api/stats/overview", { key: "sk_debug_viewer" })).body;
  expect(overview.window).toMatchObject({
    requests: 30,
    successes: 24,
    errors: 6,
    p50_latency_ms: 1000,
    p95_latency_ms: 2300,
    prompt_tokens: 240,
    completion_tokens: 480,
  });
  expect(overview.endpoints).toMatchObject({ total: 1 });
  expect(overview.series).toHaveLength(24);
  expect(sum(overview.series, "requests")).toBe(30);

  await login(page);
  await expect(page.getByTestId("stat-requests")).toContainText("30");
  // 24 successes among 28 that were not the client's own mistake (the two 401s are client errors): issue 19
  await expect(page.getByTestId("stat-success")).toContainText("85.7%");
  await expect(page.getByTestId("stat-latency")).toContainText("1000 ms / 2300 ms");
  await expect(page.getByTestId("stat-tokens")).toContainText("720");
  await expect(page.getByTestId("chart-requests").locator("rect.fill-green-500")).not.toHaveCount(0);
  await expect(page.getByTestId("chart-requests").locator("rect.fill-red-500")).not.toHaveCount(0);
  await shot(page, testInfo, "01-overview");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Request history" }).click();
  await page.waitForURL(/\/dashboard\/history/);
  await expect(page.getByTestId("request-row")).toHaveCount(25);
  await expect(page.getByTestId("history-total")).toContainText("30");
  await expect(page.getByTestId("history-chart").locator("rect.fill-green-500")).not.toHaveCount(0);
  await shot(page, testInfo, "02-history");
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page.getByTestId("request-row")).toHaveCount(5);

  await page.getByLabel("Status", { exact: true }).selectOption("5xx");
  await expect(page).toHaveURL(/status=5xx/);
  await expect(page.getByTestId("request-row")).toHaveCount(4);
  await expect(page.getByTestId("request-row").first()).toContainText("qwen2:7b");
  await page.getByLabel("Model", { exact: true }).selectOption("llama3.1:8b");
  await expect(page.getByTestId("request-row")).toHaveCount(0);
  await expect(page.getByText("No requests match the filters.")).toBeVisible();
  await page.getByLabel("Status", { exact: true }).selectOption("");
  await expect(page.getByTestId("request-row")).toHaveCount(24);
  await shot(page, testInfo, "03-history-filtered");
});
