// The 1,000-endpoint fake (./fleet.ts, startPrefixServer) in a process of its own, so that a benchmark can give
// it its own priority: prints {"url": ...} once it listens; `GET /hits` is its request count.
import { startPrefixServer } from "./fleet";

const server = await startPrefixServer();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on("SIGTERM", () => void server.stop().then(() => process.exit(0)));
