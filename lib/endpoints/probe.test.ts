import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeEndpoint } from "./probe";

// A vLLM whose model list fails (404 with its Server header): the type is recognised, the list is not.
let server: http.Server;
let url = "";
beforeAll(async () => {
  server = http.createServer((_req, res) =>
    res.writeHead(404, { server: "vllm", "content-type": "application/json" }).end("{}"),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("probeEndpoint", () => {
  it("is never a success when the model list failed, even with a recognised type", async () => {
    const p = await probeEndpoint(url, null, 2000);
    expect(p.endpointType).toBe("vllm");
    expect(p.error).toBe(
      "The server answered, but its model list could not be read: /v1/models answered HTTP 404. Check that the URL is the server's root address.",
    );
  });
});
