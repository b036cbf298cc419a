import { describe, expect, it } from "vitest";
import { startupBanner } from "./startup-banner";

describe("startupBanner", () => {
  it("shows the dashboard on localhost for a wildcard address, and how to create a key without debug keys", () => {
    const lines = startupBanner({ host: "0.0.0.0", port: 32768, debugKeys: false });
    expect(lines[0]).toBe("Dashboard: http://localhost:32768/dashboard");
    expect(lines.join("\n")).toContain("/dashboard/api-keys");
    expect(lines.join("\n")).toContain("POST http://localhost:32768/api/api-keys");
  });
  it("uses the public URL when set, and says nothing about keys with debug keys on", () => {
    expect(
      startupBanner({ host: "127.0.0.1", port: 1, debugKeys: true, publicUrl: "https://llm.example.com/" }),
    ).toEqual(["Dashboard: https://llm.example.com/dashboard"]);
  });
  it("brackets an IPv6 address", () => {
    expect(startupBanner({ host: "::1", port: 5, debugKeys: true })[0]).toBe("Dashboard: http://[::1]:5/dashboard");
  });
});
