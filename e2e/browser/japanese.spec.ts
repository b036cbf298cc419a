// Journey 7: the seed's endpoint journey in Japanese (browser locale ja-JP): 新規エンドポイント, 接続テスト, 保存,
// and the row going from 保留中 to オンライン.
import { expect, login, shot, test } from "./support/fixtures";
import { EndpointsPage, JA } from "./support/endpoints-page";

test.use({ locale: "ja-JP" });

test("the endpoint journey in Japanese", async ({ page, fakes }, testInfo) => {
  const fake = await fakes.start({ kind: "ollama" });
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "ログイン" })).toBeVisible();
  await login(page);
  await expect(page.getByRole("heading", { level: 1, name: "概要" })).toBeVisible();

  const ep = new EndpointsPage(page, JA);
  await ep.openFromMenu();
  await ep.openNewDialog();
  await expect(ep.dialog.getByRole("heading", { name: "新規エンドポイント" })).toBeVisible();
  await ep.fillNew("本番Ollama", fake.url);
  const result = await ep.connectionTest();
  await expect(result).toContainText("接続成功");
  await expect(result).toContainText("llama3.1:8b");
  await shot(page, testInfo, "01-接続テスト");

  await ep.save();
  await expect(ep.badge("本番Ollama")).toHaveText("保留中");
  await shot(page, testInfo, "02-保留中");
  await expect(ep.badge("本番Ollama")).toHaveText("オンライン", { timeout: 15_000 });
  await expect(page.getByRole("columnheader", { name: "状態" })).toBeVisible();
  await shot(page, testInfo, "03-オンライン");

  // the language can be switched back by hand
  await page.getByLabel("言語").selectOption("en");
  await expect(page.getByRole("heading", { level: 1, name: "Endpoints" })).toBeVisible();
  await expect(ep.badge("本番Ollama")).toHaveText("online");
});
