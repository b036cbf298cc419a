// Page object for the Endpoints list, its "New endpoint" dialog and the detail modal.
import type { Locator, Page } from "@playwright/test";

export interface Labels {
  endpoints: string;
  newEndpoint: string;
  connectionTest: string;
  save: string;
  name: string;
  url: string;
}

export const EN: Labels = {
  endpoints: "Endpoints",
  newEndpoint: "New endpoint",
  connectionTest: "Connection test",
  save: "Save",
  name: "Name",
  url: "URL",
};
export const JA: Labels = {
  endpoints: "エンドポイント",
  newEndpoint: "新規エンドポイント",
  connectionTest: "接続テスト",
  save: "保存",
  name: "名前",
  url: "URL",
};

export class EndpointsPage {
  constructor(
    readonly page: Page,
    readonly l: Labels = EN,
  ) {}

  /** Seed step 1: choose Endpoints in the side menu. */
  async openFromMenu(): Promise<void> {
    await this.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: this.l.endpoints, exact: true })
      .click();
    await this.page.waitForURL(/\/dashboard\/endpoints$/);
    await this.page.getByRole("heading", { level: 1, name: this.l.endpoints }).waitFor();
  }

  get rows(): Locator {
    return this.page.getByTestId("endpoint-row");
  }

  row(name: string): Locator {
    return this.rows.filter({ has: this.page.getByTestId("endpoint-name").getByText(name, { exact: true }) });
  }

  badge(name: string): Locator {
    return this.row(name).getByTestId("status-badge");
  }

  get dialog(): Locator {
    return this.page.getByTestId("new-endpoint-dialog");
  }

  get detail(): Locator {
    return this.page.getByTestId("endpoint-detail");
  }

  async openNewDialog(): Promise<void> {
    await this.page.getByRole("button", { name: this.l.newEndpoint }).click();
    await this.dialog.waitFor();
  }

  async fillNew(name: string, url: string, apiKey?: string): Promise<void> {
    await this.dialog.getByLabel(this.l.name, { exact: true }).fill(name);
    await this.dialog.getByLabel(this.l.url, { exact: true }).fill(url);
    if (apiKey) await this.dialog.locator('input[name="api_key"]').fill(apiKey);
  }

  async connectionTest(): Promise<Locator> {
    await this.dialog.getByRole("button", { name: this.l.connectionTest }).click();
    const result = this.dialog.getByTestId("probe-result");
    await result.waitFor();
    return result;
  }

  async save(): Promise<void> {
    await this.dialog.getByRole("button", { name: this.l.save, exact: true }).click();
  }

  async openDetail(name: string): Promise<Locator> {
    await this.row(name).getByTestId("endpoint-name").click();
    await this.detailBadge.waitFor();
    return this.detail;
  }

  /** The status badge in the detail modal's title (the health-check list has its own small badges). */
  get detailBadge(): Locator {
    return this.detailTitle.getByTestId("status-badge");
  }

  /** The detail modal's title: name, status badge, type badge. */
  get detailTitle(): Locator {
    return this.detail.getByRole("heading", { level: 2 });
  }

  async closeDetail(): Promise<void> {
    await this.page.keyboard.press("Escape");
    await this.detail.waitFor({ state: "detached" });
  }

  /** Names and TPS cells of the visible rows, top to bottom. */
  async order(): Promise<{ names: string[]; tps: string[] }> {
    return {
      names: await this.rows.getByTestId("endpoint-name").allInnerTexts(),
      tps: await this.rows.getByTestId("endpoint-tps").allInnerTexts(),
    };
  }

  async clickHeader(label: string): Promise<void> {
    await this.page.getByRole("columnheader", { name: label }).getByRole("button").click();
  }
}
