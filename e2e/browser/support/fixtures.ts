// Per-test fixtures: a fresh production server on a free loopback port with its own temp database, fake
// upstreams that stop after the test, and small helpers every journey uses.
import { test as base, expect, type Page, type TestInfo } from "@playwright/test";
import { ADMIN, startServer, type TestServer } from "../../harness/server";
import { call } from "../../harness/http";
import { startFake, type FakeOptions, type FakeUpstream } from "../../fakes/upstream";

export { expect, ADMIN };

interface Fixtures {
  /** extra environment for the server under test (test.use({ serverEnv: {...} })) */
  serverEnv: Record<string, string>;
  server: TestServer;
  fakes: { start(opts: FakeOptions): Promise<FakeUpstream> };
  /** REST calls as the debug admin key, for seeding */
  api: (method: string, path: string, body?: unknown) => ReturnType<typeof call>;
}

export const test = base.extend<Fixtures>({
  serverEnv: [{}, { option: true }],
  server: async ({ serverEnv }, use) => {
    // the harness honours LLMLB_TEST_SERVER and LLMLB_NEXT_DIST_DIR, so several builds can coexist
    const server = await startServer({ env: serverEnv });
    await use(server);
    await server.stop();
  },
  baseURL: async ({ server }, use) => use(server.url),
  // every journey also proves the pages render without React errors (hydration mismatches included)
  page: async ({ page }, use, testInfo) => {
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await use(page);
    if (errors.length) await testInfo.attach("console-errors", { body: errors.join("\n"), contentType: "text/plain" });
    expect(errors.filter((e) => /hydrat|did not match|Minified React error|Uncaught/i.test(e))).toEqual([]);
  },
  fakes: async ({}, use) => {
    const started: FakeUpstream[] = [];
    await use({
      start: async (opts) => {
        const fake = await startFake(opts);
        started.push(fake);
        return fake;
      },
    });
    await Promise.all(started.map((f) => f.stop()));
  },
  api: async ({ server }, use) =>
    use((method, path, body) => call(server.url, method, path, { key: "sk_debug", body })),
});

/** Saves a full-page screenshot as a test artifact (test-results/browser/<test>/<name>.png) and attaches it. */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

export async function login(page: Page, username = ADMIN.username, password = ADMIN.password): Promise<void> {
  await page.goto("/login");
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL(/\/dashboard$/);
}

/** Registers an endpoint over REST and returns its id. */
export async function registerEndpoint(api: Fixtures["api"], name: string, baseUrl: string): Promise<string> {
  const res = await api("POST", "/api/endpoints", { name, base_url: baseUrl });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

/** Waits (over REST) until an endpoint reaches a status. */
export async function waitForStatus(api: Fixtures["api"], id: string, status: string): Promise<void> {
  await expect
    .poll(async () => (await api("GET", `/api/endpoints/${id}`)).body?.status, { timeout: 20_000 })
    .toBe(status);
}
