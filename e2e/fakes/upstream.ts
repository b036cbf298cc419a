// Fake upstream inference servers (xLLM, Ollama, vLLM, LM Studio, llama.cpp, OpenAI) on 127.0.0.1, with
// injectable faults, for integration tests, benchmarks and Playwright. Only node:http / node:net.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { type AddressInfo, type Server as NetServer, type Socket, createServer as createNetServer } from "node:net";
import type { FakeFaults, FakeKind, FakeOptions, FakeUpstream, RecordedRequest } from "./types";
import { type Exchange, readBody, sendFault, sendJson, sendText } from "./http";
import { type FakeState, HEALTH_PATHS, INFERENCE_PATHS, type Router, routerFor } from "./routes";
import { Engine } from "./engine";
import { DEFAULT_MODELS, GARBAGE_HTML, NOT_FOUND, SERVER_HEADER, UNAUTHORIZED, replyPieces } from "./wire";

export type { FakeEncoding, FakeFaults, FakeKind, FakeOptions, FakeUpstream, RecordedRequest } from "./types";

const HOST = "127.0.0.1";

const NO_FAULTS: FakeFaults = {
  delayMs: 0,
  chunkDelayMs: 0,
  stampChunks: false,
  status: null,
  healthStatus: null,
  hang: false,
  hangInference: false,
  dieAfterChunks: null,
  slowBytesMs: null,
  garbage: false,
  omitUsage: false,
  encoding: null,
  forceEncoding: false,
  answerBytes: null,
  extraHeaders: null,
  redirect: null,
  modelListBytes: null,
  metadataDelayMs: 0,
};

/** `base` overridden by the fields of `f` that are set (an explicit `undefined` changes nothing). */
function mergeFaults(base: FakeFaults, f: Partial<FakeFaults> | undefined): FakeFaults {
  const out = { ...base };
  for (const [key, value] of Object.entries(f ?? {})) {
    if (value !== undefined && key in out) Object.assign(out, { [key]: value });
  }
  return out;
}

/** Tracks open sockets so that stop() can destroy them (hanging requests included). */
class SocketSet {
  private readonly sockets = new Set<Socket>();

  add = (socket: Socket): void => {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  };

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  get size(): number {
    return this.sockets.size;
  }
}

function listen(server: NetServer, port: number, backlog?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: HOST, ...(backlog !== undefined && { backlog }) }, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: NetServer, sockets: SocketSet): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    sockets.destroyAll();
  });
}

class Fake implements FakeUpstream, FakeState {
  readonly kind: FakeKind;
  models: string[];
  faults: FakeFaults;
  requests: RecordedRequest[] = [];
  inflight = 0;
  aborted = 0;
  served = 0;
  readonly created = Math.floor(Date.now() / 1000);
  readonly text: string;
  readonly pieces: string[];
  readonly completionTokens: number;
  readonly tasks = new Map<string, { model: string; progress: number }>();
  readonly engine: Engine | null;

  /** 0 (any free port) until the first start(), then the port it got, reused after stop(). */
  private currentPort: number;
  private seq = 0;
  private readonly baseFaults: FakeFaults;
  private readonly route: Router;
  private readonly auth: string | undefined;
  private readonly serverHeader: string | undefined;
  private readonly record: boolean;
  private readonly backlog: number | undefined;
  private readonly sockets = new SocketSet();
  private readonly server: Server;

  constructor(opts: FakeOptions) {
    this.kind = opts.kind;
    this.currentPort = opts.port ?? 0;
    this.models = [...(opts.models ?? DEFAULT_MODELS[opts.kind] ?? ["mock-model"])];
    this.baseFaults = mergeFaults(NO_FAULTS, opts.faults);
    this.faults = { ...this.baseFaults };
    this.pieces = replyPieces(opts.name ?? opts.kind, Math.max(1, opts.chunks ?? 5));
    this.text = this.pieces.join("");
    this.completionTokens = opts.completionTokens ?? 10;
    this.route = routerFor(opts.kind);
    this.auth = opts.apiKey === undefined ? undefined : `Bearer ${opts.apiKey}`;
    this.serverHeader = SERVER_HEADER[opts.kind];
    this.record = opts.record ?? true;
    this.backlog = opts.backlog;
    this.engine = opts.engine ? new Engine(opts.kind, opts.engine, () => this.models) : null;
    this.server = createServer(this.onRequest);
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.on("connection", this.sockets.add);
  }

  get port(): number {
    return this.currentPort;
  }

  get url(): string {
    return `http://${HOST}:${this.currentPort}`;
  }

  setFaults(f: Partial<FakeFaults>): void {
    this.faults = mergeFaults(this.faults, f);
  }

  /** Back to the faults given to startFake (none by default). */
  resetFaults(): void {
    this.faults = { ...this.baseFaults };
  }

  findModel(name: string): string | undefined {
    const want = this.normalize(name);
    return this.models.find((m) => this.normalize(m) === want);
  }

  nextId(): string {
    return `fake${++this.seq}`;
  }

  async start(): Promise<void> {
    if (!this.server.listening) this.currentPort = await listen(this.server, this.currentPort, this.backlog);
  }

  stop(): Promise<void> {
    return close(this.server, this.sockets);
  }

  private normalize(model: string): string {
    return this.kind === "ollama" && !model.includes(":") ? `${model}:latest` : model;
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const x: Exchange = {
      req,
      res,
      path,
      query: q < 0 ? "" : url.slice(q + 1),
      body: undefined,
      size: 0,
      killed: false,
    };
    if (req.method === "POST" && INFERENCE_PATHS.has(path)) this.track(x);
    if (this.serverHeader !== undefined) res.setHeader("Server", this.serverHeader);
    readBody(x, () => this.handle(x));
  };

  /** Count an inference request in `inflight` until it is served or its connection closes first. */
  private track(x: Exchange): void {
    this.inflight++;
    let open = true;
    const settle = (): boolean => {
      if (!open) return false;
      open = false;
      this.inflight--;
      return true;
    };
    x.res.once("finish", () => {
      if (settle()) this.served++;
    });
    x.res.once("close", () => {
      if (settle() && !x.killed) this.aborted++;
    });
  }

  private handle(x: Exchange): void {
    const method = x.req.method ?? "GET";
    if (this.record) this.requests.push({ method, path: x.path, headers: x.req.headers, body: x.body });
    const { faults } = this;
    if (faults.hang || (faults.hangInference && method === "POST" && INFERENCE_PATHS.has(x.path))) return;
    if (faults.garbage) return sendText(x.res, 200, "text/html; charset=utf-8", GARBAGE_HTML);
    if (this.auth !== undefined && x.req.headers.authorization !== this.auth) return sendJson(x.res, 401, UNAUTHORIZED);
    if (faults.healthStatus !== null && HEALTH_PATHS.has(x.path)) return sendFault(x.res, faults.healthStatus);
    const handler = this.engine?.route(method, x.path) ?? this.route(method, x.path);
    if (handler === undefined) return sendJson(x.res, 404, NOT_FOUND);
    handler(x, this);
  }
}

export async function startFake(opts: FakeOptions): Promise<FakeUpstream> {
  const fake = new Fake(opts);
  await fake.start();
  return fake;
}

/** A free loopback port (free at the time of the call). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** "http://127.0.0.1:PORT" where nothing listens. */
export async function deadUrl(): Promise<string> {
  return `http://${HOST}:${await freePort()}`;
}

/** A raw TCP server that accepts connections and never writes a byte; `open()` counts the connections it holds. */
export async function startHangServer(): Promise<{ url: string; open(): number; stop(): Promise<void> }> {
  const sockets = new SocketSet();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.resume();
  });
  const port = await listen(server, 0);
  return { url: `http://${HOST}:${port}`, open: () => sockets.size, stop: () => close(server, sockets) };
}
