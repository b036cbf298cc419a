// Issue 19, the admin's first day: connection errors a person can act on, in English and Japanese; a base URL
// ending in /v1; a server on a port fetch refuses; stale field errors. Each failed on the code before the fix.
import { expect, login, shot, test, waitForStatus } from "./support/fixtures";
import { EN, EndpointsPage, JA } from "./support/endpoints-page";
import type { FakeUpstream } from "../fakes/upstream";

// WHATWG fetch refuses these ports ("fetch failed"); some inference servers do listen on them.
const BAD_PORTS = [6665, 6666, 6667, 6668, 6669, 6000, 10080, 5060];

const TEXT = {
  en: {
    l: EN,
    locale: "en-US",
    ok: "Connection succeeded",
    refused: "Nothing is listening on 127.0.0.1:9. Is the server running, and on this port?",
    typo: "Host 'locahost.invalid' was not found. Check the spelling of the address.",
    v1: "The trailing /v1 was removed",
    required: "Required.",
  },
  ja: {
    l: JA,
    locale: "ja-JP",
    ok: "接続成功",
    refused: "127.0.0.1:9 で待ち受けているサーバーがありません。",
    typo: "ホスト 'locahost.invalid' が見つかりません。",
    v1: "末尾の /v1 を取り除きました",
    required: "必須です。",
  },
} as const;

/** English words that must never reach a Japanese reader on these screens. */
const ENGLISH_ERRORS =
  /fetch failed|ECONNREFUSED|ENOTFOUND|unexpected status|Nothing is listening|was not found|Too small|expected string|Required\./;

for (const lang of ["en", "ja"] as const) {
  const x = TEXT[lang];
  test.describe(`connection errors (${lang})`, () => {
    test.use({ locale: x.locale });

    test(`refused port, typo'd host, /v1 URL, stale field errors (${lang})`, async ({ page, fakes }, testInfo) => {
      const fake = await fakes.start({ kind: "openai", models: ["m-one"] });
      await login(page);
      const ep = new EndpointsPage(page, x.l);
      await ep.openFromMenu();
      await ep.openNewDialog();

      // a stale field error goes once the field is corrected
      await ep.save();
      await expect(ep.dialog.getByTestId("error-name")).toHaveText(x.required);
      await ep.dialog.getByLabel(x.l.name, { exact: true }).fill("a");
      await expect(ep.dialog.getByTestId("error-name")).toHaveCount(0);

      await ep.fillNew("refused", "http://127.0.0.1:9");
      let result = await ep.connectionTest();
      await expect(result).toHaveAttribute("data-ok", "false");
      await expect(result.getByTestId("probe-error")).toContainText(x.refused);

      await ep.fillNew("typo", "http://locahost.invalid:11434");
      result = await ep.connectionTest();
      await expect(result.getByTestId("probe-error")).toContainText(x.typo);
      if (lang === "ja") expect(await ep.dialog.innerText()).not.toMatch(ENGLISH_ERRORS);
      await shot(page, testInfo, `typo-${lang}`);

      // a base URL with the SDK's /v1: said, removed, green with the models, saved without it, goes online
      await ep.fillNew("with-v1", `${fake.url}/v1`);
      await expect(ep.dialog.getByTestId("v1-notice")).toContainText(x.v1);
      await expect(ep.dialog.getByTestId("v1-notice")).toContainText(fake.url);
      result = await ep.connectionTest();
      await expect(result).toHaveAttribute("data-ok", "true");
      await expect(result).toContainText("m-one");
      await ep.save();
      await expect(ep.badge("with-v1")).toHaveAttribute("data-status", "online", { timeout: 15_000 });
      await expect(ep.row("with-v1")).toContainText(fake.url);
      await expect(ep.row("with-v1")).not.toContainText(`${fake.url}/v1`);
    });

    test(`a server on a port fetch refuses comes online (${lang})`, async ({ page, fakes, api }) => {
      let fake: FakeUpstream | null = null;
      for (const port of BAD_PORTS) {
        fake = await fakes.start({ kind: "ollama", port }).catch(() => null);
        if (fake) break;
      }
      test.skip(!fake, "no bad port free on 127.0.0.1");
      await login(page);
      const ep = new EndpointsPage(page, x.l);
      await ep.openFromMenu();
      await ep.openNewDialog();
      await ep.fillNew("bad-port", fake!.url);
      const result = await ep.connectionTest();
      await expect(result).toHaveAttribute("data-ok", "true");
      await expect(result).toContainText(x.ok);
      await ep.save();
      await expect(ep.badge("bad-port")).toHaveAttribute("data-status", "online", { timeout: 15_000 });
      const list = await api("GET", "/api/endpoints");
      const id = list.body.endpoints.find((e: { name: string }) => e.name === "bad-port").id;
      await waitForStatus(api, id, "online");
    });
  });
}
