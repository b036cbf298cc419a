// Journey 5: the Playground streams an answer from a fake upstream through /v1 (session cookie, same origin)
// and shows which endpoint served it, with its status badge, TTFT and tokens/s.
import { expect, login, registerEndpoint, shot, test, waitForStatus } from "./support/fixtures";
import { replyPieces } from "../fakes/wire";

const ANSWER = replyPieces("fake-ollama", 8).join(""); // what the fake streams, in 8 pieces

test("Playground streams an answer and shows the endpoint that served it", async ({ page, api, fakes }, testInfo) => {
  const fake = await fakes.start({ kind: "ollama", name: "fake-ollama", chunks: 8, faults: { chunkDelayMs: 250 } });
  const id = await registerEndpoint(api, "Stream Ollama", fake.url);
  await waitForStatus(api, id, "online");
  await expect.poll(async () => (await api("GET", `/api/endpoints/${id}`)).body.model_count).toBe(2);

  await login(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Playground" }).click();
  await page.waitForURL(/\/dashboard\/playground/);
  await page.getByLabel("Model", { exact: true }).selectOption("llama3.1:8b");
  await page.getByTestId("endpoint-pin").filter({ hasText: "Stream Ollama" }).getByRole("radio").check();
  await page.getByLabel("Message", { exact: true }).fill("Hello!");
  await page.getByRole("button", { name: "Send" }).click();

  // tokens appear while the stream is still open, before the whole answer is there
  const streaming = page.getByTestId("streaming-answer");
  await expect(streaming).toContainText("Hello");
  await expect(streaming).not.toHaveText(ANSWER);
  await shot(page, testInfo, "01-streaming");

  await expect(page.getByTestId("message-assistant")).toHaveText(ANSWER);
  const served = page.getByTestId("served-by");
  await expect(served.getByTestId("served-by-name")).toHaveText("Stream Ollama");
  await expect(served.getByTestId("status-badge")).toHaveAttribute("data-status", "online");
  await expect(served.getByTestId("ttft")).toHaveText(/\d+ ms/);
  await expect(served.getByTestId("tps")).not.toHaveText("—");
  // the pin travelled as a header
  const upstream = fake.requests.find((r) => r.path === "/v1/chat/completions");
  expect(upstream).toBeDefined();
  await page.locator("summary", { hasText: "curl" }).click();
  await expect(page.getByTestId("curl")).toContainText(`X-LLMLB-Endpoint: ${id}`);
  await shot(page, testInfo, "02-answered");
  // how to point Claude Code and the Anthropic SDK here, for the chosen model
  await page.getByTestId("anthropic-snippets").locator("summary").click();
  const origin = new URL(page.url()).origin;
  await expect(page.getByTestId("claude-code-snippet")).toContainText(`ANTHROPIC_BASE_URL=${origin}`);
  await expect(page.getByTestId("claude-code-snippet")).toContainText("ANTHROPIC_MODEL=llama3.1:8b");
  await expect(page.getByTestId("anthropic-sdk-snippet")).toContainText(`baseURL: "${origin}"`);
});
