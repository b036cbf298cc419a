// Journey 4 (seed step 2.2): the first click on TPS sorts descending, the second ascending; rows whose
// aggregate_tps is null (shown as —) stay at the bottom both ways.
import { expect, login, registerEndpoint, shot, test } from "./support/fixtures";
import { EndpointsPage } from "./support/endpoints-page";
import { deadUrl } from "../fakes/upstream";

/** aggregate_tps = sum(output_tokens) / (sum(generation_ms) / 1000) over rows with successes > 0. */
const SEED: Array<{ name: string; stats: Array<{ model: string; successes: number; tokens: number; ms: number }> }> = [
  {
    name: "tps-12.5",
    stats: [
      { model: "a", successes: 2, tokens: 100, ms: 10_000 },
      { model: "b", successes: 1, tokens: 25, ms: 0 },
    ],
  },
  { name: "tps-80", stats: [{ model: "a", successes: 4, tokens: 800, ms: 10_000 }] },
  { name: "tps-null-1", stats: [] },
  { name: "tps-3", stats: [{ model: "a", successes: 1, tokens: 30, ms: 10_000 }] },
  // failures only: not measured, so still null
  { name: "tps-null-2", stats: [{ model: "a", successes: 0, tokens: 500, ms: 1_000 }] },
];

test("TPS sorts descending then ascending with unmeasured rows last", async ({ page, api, server }, testInfo) => {
  const db = server.db();
  for (const e of SEED) {
    const id = await registerEndpoint(api, e.name, await deadUrl());
    for (const s of e.stats) {
      await db.execute({
        sql: `INSERT INTO endpoint_model_stats (endpoint_id, model_id, requests, successes, failures, output_tokens, generation_ms, tps_ema, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
        args: [id, s.model, Math.max(1, s.successes), s.successes, s.successes ? 0 : 1, s.tokens, s.ms, Date.now()],
      });
    }
  }
  const listed = (await api("GET", "/api/endpoints")).body.endpoints as Array<{
    name: string;
    aggregate_tps: number | null;
  }>;
  expect(Object.fromEntries(listed.map((e) => [e.name, e.aggregate_tps]))).toEqual({
    "tps-12.5": 12.5,
    "tps-80": 80,
    "tps-null-1": null,
    "tps-3": 3,
    "tps-null-2": null,
  });

  await login(page);
  const ep = new EndpointsPage(page);
  await ep.openFromMenu();
  await expect(ep.rows).toHaveCount(5);
  const tpsHeader = page.getByRole("columnheader", { name: "TPS" });

  await ep.clickHeader("TPS");
  await expect(tpsHeader).toHaveAttribute("aria-sort", "descending");
  await expect
    .poll(() => ep.order())
    .toEqual({
      names: ["tps-80", "tps-12.5", "tps-3", "tps-null-1", "tps-null-2"],
      tps: ["80.0", "12.5", "3.0", "—", "—"],
    });
  await shot(page, testInfo, "01-tps-descending");

  await ep.clickHeader("TPS");
  await expect(tpsHeader).toHaveAttribute("aria-sort", "ascending");
  await expect
    .poll(() => ep.order())
    .toEqual({
      names: ["tps-3", "tps-12.5", "tps-80", "tps-null-1", "tps-null-2"],
      tps: ["3.0", "12.5", "80.0", "—", "—"],
    });
  await shot(page, testInfo, "02-tps-ascending");

  // the order survives the live refresh
  await page.waitForTimeout(2500);
  expect((await ep.order()).names).toEqual(["tps-3", "tps-12.5", "tps-80", "tps-null-1", "tps-null-2"]);
});
