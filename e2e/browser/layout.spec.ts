// Issue 19: every dashboard page at 390 px wide without horizontal overflow (a collapsible menu, tables that
// scroll inside their box), at 1,400 px too; dark mode following the system with a toggle; version and docs link.
import { expect, login, registerEndpoint, shot, test } from "./support/fixtures";
import { deadUrl } from "../fakes/upstream";
import type { TestServer } from "../harness/server";

const PAGES = [
  "/dashboard",
  "/dashboard/endpoints",
  "/dashboard/models",
  "/dashboard/playground",
  "/dashboard/history",
  "/dashboard/api-keys",
  "/dashboard/users",
  "/dashboard/account",
  "/dashboard/get-started",
];

async function seed(api: Parameters<typeof registerEndpoint>[0], server: TestServer) {
  const id = await registerEndpoint(api, "A rather long endpoint name for a narrow screen", await deadUrl());
  await api("POST", "/api/api-keys", {
    name: "a-key-with-a-long-name",
    permissions: ["openai.inference", "openai.models.read", "endpoints.read", "logs.read"],
  });
  for (let i = 0; i < 3; i++)
    await server.db().execute({
      sql: `INSERT INTO request_log (ts, request_id, route, model, endpoint_id, status, duration_ms, stream, retries, error_code) VALUES (?, ?, '/v1/chat/completions', 'a-very-long-model-name:latest', ?, 502, 10, 0, 1, 'upstream_error')`,
      args: [Date.now() - i * 1000, `req-${i}`, id],
    });
}

const RUNS = [
  { width: 390, height: 844, locale: "en-US", endpoints: "Endpoints" },
  { width: 390, height: 844, locale: "ja-JP", endpoints: "エンドポイント" },
  { width: 1400, height: 900, locale: "en-US", endpoints: "Endpoints" },
] as const;

for (const { width, height, locale, endpoints } of RUNS) {
  test.describe(`${width} px, ${locale}`, () => {
    test.use({ locale });
    test(`no horizontal overflow at ${width} px on any page (${locale})`, async ({ page, api, server }, testInfo) => {
      await seed(api, server);
      await page.setViewportSize({ width, height });
      await login(page);
      for (const path of PAGES) {
        await page.goto(path);
        await page.getByRole("heading", { level: 1 }).first().waitFor();
        const { scroll, client } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        }));
        expect(scroll, `${path} at ${width} px`).toBeLessThanOrEqual(client);
      }
      if (width === 390) {
        // the menu is collapsed, and opens over the page
        const nav = page.getByRole("navigation", { name: "Main" });
        await expect(nav).toBeHidden();
        await page.getByTestId("menu-button").click();
        await expect(nav).toBeVisible();
        await shot(page, testInfo, "menu-390");
        await nav.getByRole("link", { name: endpoints, exact: true }).click();
        await page.waitForURL(/\/dashboard\/endpoints$/);
        await expect(nav).toBeHidden();
      }
    });
  });
}

for (const locale of ["en-US", "ja-JP"] as const)
  test(`dark mode follows the system and can be switched; version and docs in the sidebar (${locale})`, async ({
    browser,
    server,
  }, testInfo) => {
    const context = await browser.newContext({ locale, baseURL: server.url });
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: "dark" });
    await login(page);
    const isDark = () => page.evaluate(() => document.documentElement.classList.contains("dark"));
    expect(await isDark()).toBe(true);
    const bg = () =>
      page.evaluate(
        () => getComputedStyle(document.querySelector("main .card, main section") ?? document.body).backgroundColor,
      );
    expect(await bg()).not.toBe("rgb(255, 255, 255)");
    // the status badges keep the spec's colours in the dark
    await shot(page, testInfo, "dark");
    await page.getByTestId("theme-select").selectOption("light");
    expect(await isDark()).toBe(false);
    await page.reload();
    expect(await isDark()).toBe(false); // the choice is kept
    await page.getByTestId("theme-select").selectOption("dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.reload();
    expect(await isDark()).toBe(true);
    await expect(page.getByTestId("app-version")).toContainText(/v\d+\.\d+\.\d+/);
    await page.getByTestId("app-version").getByRole("link").click();
    await page.waitForURL(/\/dashboard\/get-started$/);
    await context.close();
  });
