import { describe, expect, it } from "vitest";
import { dashboardUrl, startupHint } from "./startup";

describe("start-up hint", () => {
  it("names the dashboard a person can open", () => {
    expect(dashboardUrl({ host: "0.0.0.0", port: 32768 })).toBe("http://localhost:32768/dashboard");
    expect(dashboardUrl({ host: "::1", port: 8 })).toBe("http://[::1]:8/dashboard");
    expect(dashboardUrl({ host: "0.0.0.0", port: 1, publicUrl: "https://llm.example.com/" })).toBe("https://llm.example.com/dashboard");
  });
  it("says how to get a key", () => {
    expect(startupHint({ url: "http://localhost:32768/dashboard", debugKeys: false })).toContain("http://localhost:32768/dashboard/api-keys");
    expect(startupHint({ url: "http://localhost:32768/dashboard", debugKeys: false })).toContain("http://localhost:32768/v1");
    expect(startupHint({ url: "http://x/dashboard", debugKeys: true })).toContain("sk_debug");
  });
});
