// Journey 3 (seed step 2.1): online = green, pending = yellow, offline = pale red, error = solid red, with the
// status text always shown — in the list, in the detail modal and in the Playground.
import type { Locator } from "@playwright/test";
import { expect, login, registerEndpoint, shot, test, waitForStatus } from "./support/fixtures";
import { badgeColours, classify, type BadgeColour } from "./support/colours";
import { EndpointsPage } from "./support/endpoints-page";
import { deadUrl, startHangServer } from "../fakes/upstream";

// a long probe timeout keeps the endpoint behind the hung server pending while the test looks at it
test.use({ serverEnv: { LLMLB_HEALTH_CHECK_TIMEOUT_MS: "60000" } });

const EXPECTED: Array<{ name: string; status: string; text: string; colour: BadgeColour }> = [
  { name: "ep-online", status: "online", text: "online", colour: "green" },
  { name: "ep-pending", status: "pending", text: "pending", colour: "yellow" },
  { name: "ep-offline", status: "offline", text: "offline", colour: "pale-red" },
  { name: "ep-error", status: "error", text: "error", colour: "red" },
];

async function expectBadge(badge: Locator, e: (typeof EXPECTED)[number]) {
  await expect(badge).toHaveAttribute("data-status", e.status);
  await expect(badge).toHaveText(e.text);
  const { bg, fg } = await badgeColours(badge);
  expect(classify(bg), `${e.name} background rgb(${bg})`).toBe(e.colour);
  // pale red is a light tint with red text; solid red carries white text
  if (e.colour === "pale-red") expect(classify(fg), `${e.name} text rgb(${fg})`).toBe("red");
  if (e.colour === "red") expect(fg).toEqual([255, 255, 255]);
}

test("status badges have the specified colours in the list, the detail modal and the Playground", async ({
  page,
  api,
  fakes,
}, testInfo) => {
  const online = await fakes.start({ kind: "ollama" });
  const broken = await fakes.start({ kind: "openai", faults: { healthStatus: 500 } });
  const hang = await startHangServer();
  try {
    const ids = {
      "ep-online": await registerEndpoint(api, "ep-online", online.url),
      "ep-offline": await registerEndpoint(api, "ep-offline", await deadUrl()),
      "ep-error": await registerEndpoint(api, "ep-error", broken.url),
      "ep-pending": await registerEndpoint(api, "ep-pending", hang.url),
    };
    await waitForStatus(api, ids["ep-online"], "online");
    await waitForStatus(api, ids["ep-offline"], "offline");
    await waitForStatus(api, ids["ep-error"], "error");
    await waitForStatus(api, ids["ep-pending"], "pending");

    await login(page);
    const ep = new EndpointsPage(page);
    await ep.openFromMenu();
    for (const e of EXPECTED) await expectBadge(ep.badge(e.name), e);
    await shot(page, testInfo, "01-list");

    // the list's filters: status, type and search (name or URL)
    await page.getByLabel("Status", { exact: true }).selectOption("error");
    await expect(ep.rows.getByTestId("endpoint-name")).toHaveText(["ep-error"]);
    await page.getByLabel("Status", { exact: true }).selectOption("");
    await page.getByLabel("Type", { exact: true }).selectOption("ollama");
    await expect(ep.rows.getByTestId("endpoint-name")).toHaveText(["ep-online"]);
    await page.getByLabel("Type", { exact: true }).selectOption("");
    await page.getByLabel("Search").fill(hang.url.split(":").pop()!);
    await expect(ep.rows.getByTestId("endpoint-name")).toHaveText(["ep-pending"]);
    await page.getByLabel("Search").fill("EP-OFF");
    await expect(ep.rows.getByTestId("endpoint-name")).toHaveText(["ep-offline"]);
    await page.getByLabel("Search").fill("");
    await expect(ep.rows).toHaveCount(4);

    for (const e of EXPECTED) {
      await ep.openDetail(e.name);
      await expectBadge(ep.detailBadge, e);
      await shot(page, testInfo, `02-detail-${e.status}`);
      await ep.closeDetail();
    }

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Playground" }).click();
    await page.waitForURL(/\/dashboard\/playground/);
    for (const e of EXPECTED) {
      const pin = page.getByTestId("endpoint-pin").filter({ hasText: e.name });
      await expectBadge(pin.getByTestId("status-badge"), e);
    }
    await shot(page, testInfo, "03-playground");
  } finally {
    await hang.stop();
  }
});
