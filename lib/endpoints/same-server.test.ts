import { describe, expect, it } from "vitest";
import { resolveServer, sameServer } from "./same-server";

describe("same server under another name", () => {
  it("counts localhost and 127.0.0.1 on one port as one server", async () => {
    expect(
      sameServer(await resolveServer("http://localhost:11434"), await resolveServer("http://127.0.0.1:11434")),
    ).toBe(true);
    expect(sameServer(await resolveServer("http://[::1]:11434"), await resolveServer("http://127.0.0.1:11434"))).toBe(
      true,
    );
  });
  it("tells apart another port, another scheme, another host", async () => {
    const a = await resolveServer("http://127.0.0.1:11434");
    expect(sameServer(a, await resolveServer("http://127.0.0.1:11435"))).toBe(false);
    expect(sameServer(a, await resolveServer("https://127.0.0.1:11434"))).toBe(false);
    // another machine (built directly: tests name no address outside loopback)
    expect(sameServer(a, { protocol: "http:", port: "11434", hosts: ["gpu-box.example"] })).toBe(false);
  });
});
