import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import v8 from "node:v8";
import { PairMap } from "../pair-map";
import { REQUEST_OUTCOMES, type RequestOutcome } from "../db/constants";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

class Histogram {
  counts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  sum = 0;
  count = 0;
  observe(seconds: number) {
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
    this.counts[i]++;
    this.sum += seconds;
    this.count++;
  }
}

/** What the control thread reports to /metrics on the main thread at each scrape. */
export interface ControlTelemetry {
  /** event-loop delay of the control thread since the previous scrape, in nanoseconds */
  lag: { p50: number; p99: number; max: number };
  /** V8 heap of the control thread, in bytes */
  heap: { used: number; total: number };
  healthChecks: { counts: number[]; sum: number; count: number };
}

/**
 * The lag histogram samples every 10 ms, and each value it records is the whole time between two samples: an
 * idle loop reads ~10.2 ms. The lag is what exceeds the resolution.
 */
const LAG_RESOLUTION_MS = 10;
const excess = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns - LAG_RESOLUTION_MS * 1e6) : 0);

const heapOfThisThread = () => {
  const h = v8.getHeapStatistics();
  return { used: h.used_heap_size, total: h.total_heap_size };
};

/**
 * The longest label value rendered. Model and endpoint names come from upstreams and operators: a 1 MiB name must
 * cost one short line, not megabytes in every series that carries it.
 */
export const MAX_LABEL_CHARS = 200;
const esc = (v: string) =>
  (v.length > MAX_LABEL_CHARS ? `${v.slice(0, MAX_LABEL_CHARS)}…` : v)
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n");
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(",")}}`;

export interface Gauges {
  inflight: number;
  queueDepth: number;
  /** request-log rows dropped because the writer fell 50,000 rows behind */
  requestLogDropped: number;
  endpoints: Array<{ name: string; id: string; up: boolean }>;
  /** engine queues and loaded models (fresh telemetry only), cold routes, route reasons */
  fleet?: {
    queues: Array<{ name: string; id: string; depth: number }>;
    loaded: Array<{ name: string; id: string; model: string }>;
    coldRoutes: number;
    reasons: Array<[reason: string, n: number]>;
  };
}

/** The counters of one (model, endpoint) pair. */
interface Series {
  /** by HTTP status: counts by outcome, in REQUEST_OUTCOMES order */
  byStatus: Map<number, number[]>;
  promptTokens: number;
  completionTokens: number;
}

/** A small Prometheus registry: counters and histograms, in maps keyed by label value (no key strings per request). */
export class Metrics {
  /** by model, endpoint */
  private series = new PairMap<Series>();
  private latency = new Map<string, Histogram>(); // by model
  private ttft = new Map<string, Histogram>(); // by model
  healthChecks = new Histogram();
  private loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });

  constructor() {
    this.loop.enable();
  }

  private static hist(map: Map<string, Histogram>, model: string): Histogram {
    let h = map.get(model);
    if (!h) map.set(model, (h = new Histogram()));
    return h;
  }

  recordRequest(r: {
    model: string;
    endpoint: string;
    status: number;
    outcome: RequestOutcome;
    durationMs: number;
    ttftMs: number | null;
    promptTokens: number;
    completionTokens: number;
  }) {
    let s = this.series.get(r.model, r.endpoint);
    if (!s) this.series.set(r.model, r.endpoint, (s = { byStatus: new Map(), promptTokens: 0, completionTokens: 0 }));
    let counts = s.byStatus.get(r.status);
    if (!counts) s.byStatus.set(r.status, (counts = REQUEST_OUTCOMES.map(() => 0)));
    counts[REQUEST_OUTCOMES.indexOf(r.outcome)]++;
    s.promptTokens += r.promptTokens;
    s.completionTokens += r.completionTokens;
    Metrics.hist(this.latency, r.model).observe(r.durationMs / 1000);
    if (r.ttftMs !== null) Metrics.hist(this.ttft, r.model).observe(r.ttftMs / 1000);
  }

  /** Event-loop delay (ns) since the previous call. */
  lagSince(): ControlTelemetry["lag"] {
    const lag = {
      p50: excess(this.loop.percentile(50)),
      p99: excess(this.loop.percentile(99)),
      max: excess(this.loop.max),
    };
    this.loop.reset();
    return lag;
  }

  /** What the control thread sends the main thread's /metrics. */
  telemetry(): ControlTelemetry {
    const h = this.healthChecks;
    return {
      lag: this.lagSince(),
      heap: heapOfThisThread(),
      healthChecks: { counts: [...h.counts], sum: h.sum, count: h.count },
    };
  }

  /** `control` is the control thread's telemetry (null when it runs in this thread, in development). */
  render(gauges: Gauges, control: ControlTelemetry | null): string {
    return `${this.lines(gauges, control).join("\n")}\n`;
  }

  /** The exposition as lines, for writing in pieces: one string of every series could pass V8's string limit. */
  lines(gauges: Gauges, control: ControlTelemetry | null): string[] {
    const out: string[] = [];
    const counter = (
      name: string,
      help: string,
      values: (s: Series) => Array<[label: Record<string, string>, n: number]>,
    ) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [model, endpoint, s] of this.series.entries())
        for (const [l, n] of values(s)) out.push(`${name}${labels({ model, endpoint, ...l })} ${n}`);
    };
    const histogram = (
      name: string,
      help: string,
      entries: Iterable<{ labels: Record<string, string>; h: Histogram }>,
    ) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      for (const { labels: l, h } of entries) {
        let cum = 0;
        LATENCY_BUCKETS.forEach((b, i) => {
          cum += h.counts[i];
          out.push(`${name}_bucket${labels({ ...l, le: String(b) })} ${cum}`);
        });
        out.push(
          `${name}_bucket${labels({ ...l, le: "+Inf" })} ${h.count}`,
          `${name}_sum${labels(l)} ${h.sum}`,
          `${name}_count${labels(l)} ${h.count}`,
        );
      }
    };
    counter(
      "llmlb_requests_total",
      "Proxied /v1 requests by model, endpoint, HTTP status and outcome (success, incomplete, cancelled, error).",
      (s) =>
        [...s.byStatus].flatMap(([status, counts]) =>
          REQUEST_OUTCOMES.flatMap((outcome, i) =>
            counts[i] ? [[{ status: String(status), outcome }, counts[i]] as [Record<string, string>, number]] : [],
          ),
        ),
    );
    counter("llmlb_tokens_total", "Tokens by model, endpoint and kind.", (s) => [
      ...(s.promptTokens ? [[{ kind: "prompt" }, s.promptTokens] as [Record<string, string>, number]] : []),
      ...(s.completionTokens ? [[{ kind: "completion" }, s.completionTokens] as [Record<string, string>, number]] : []),
    ]);
    const byModel = (m: Map<string, Histogram>) => [...m].map(([model, h]) => ({ labels: { model }, h }));
    histogram("llmlb_request_duration_seconds", "Request duration.", byModel(this.latency));
    histogram("llmlb_ttft_seconds", "Time to first streamed byte.", byModel(this.ttft));
    histogram("llmlb_health_check_duration_seconds", "Health probe duration.", [
      { labels: {}, h: control ? Object.assign(new Histogram(), control.healthChecks) : this.healthChecks },
    ]);
    out.push(
      "# HELP llmlb_inflight_requests In-flight /v1 requests.",
      "# TYPE llmlb_inflight_requests gauge",
      `llmlb_inflight_requests ${gauges.inflight}`,
    );
    out.push(
      "# HELP llmlb_request_log_dropped_total Request-log rows dropped because the writer fell behind.",
      "# TYPE llmlb_request_log_dropped_total counter",
      `llmlb_request_log_dropped_total ${gauges.requestLogDropped}`,
    );
    out.push(
      "# HELP llmlb_queue_depth Requests waiting in the admission queue.",
      "# TYPE llmlb_queue_depth gauge",
      `llmlb_queue_depth ${gauges.queueDepth}`,
    );
    // event-loop delay since the previous scrape, per thread: "main" serves /v1, "control" runs the dashboard,
    // the API and the health checks
    out.push(
      "# HELP llmlb_event_loop_lag_seconds Event-loop delay since the previous scrape.",
      "# TYPE llmlb_event_loop_lag_seconds gauge",
    );
    for (const [thread, lag] of [
      ["main", this.lagSince()],
      ...(control ? [["control", control.lag] as const] : []),
    ] as const) {
      for (const [q, v] of [
        ["0.5", lag.p50],
        ["0.99", lag.p99],
        ["1", lag.max],
      ] as const)
        out.push(`llmlb_event_loop_lag_seconds${labels({ thread, quantile: q })} ${v / 1e9}`);
    }
    out.push(
      "# HELP process_resident_memory_bytes Resident memory of the process (all threads).",
      "# TYPE process_resident_memory_bytes gauge",
      `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    );
    out.push("# HELP llmlb_heap_bytes V8 heap per thread.", "# TYPE llmlb_heap_bytes gauge");
    for (const [thread, heap] of [
      ["main", heapOfThisThread()],
      ...(control ? [["control", control.heap] as const] : []),
    ] as const) {
      out.push(
        `llmlb_heap_bytes${labels({ thread, kind: "used" })} ${heap.used}`,
        `llmlb_heap_bytes${labels({ thread, kind: "total" })} ${heap.total}`,
      );
    }
    out.push("# HELP llmlb_endpoint_up 1 when the endpoint is online.", "# TYPE llmlb_endpoint_up gauge");
    for (const e of gauges.endpoints)
      out.push(`llmlb_endpoint_up${labels({ endpoint: e.name, id: e.id })} ${e.up ? 1 : 0}`);
    const f = gauges.fleet;
    if (f) {
      out.push(
        "# HELP llmlb_endpoint_queue_depth Requests running and waiting in the engine, as its telemetry reports.",
        "# TYPE llmlb_endpoint_queue_depth gauge",
      );
      for (const q of f.queues)
        out.push(`llmlb_endpoint_queue_depth${labels({ endpoint: q.name, id: q.id })} ${q.depth}`);
      out.push(
        "# HELP llmlb_model_loaded 1 for each model the engine reports loaded.",
        "# TYPE llmlb_model_loaded gauge",
      );
      for (const l of f.loaded)
        out.push(`llmlb_model_loaded${labels({ endpoint: l.name, id: l.id, model: l.model })} 1`);
      out.push(
        "# HELP llmlb_cold_routes_total Requests sent to an endpoint without the model loaded.",
        "# TYPE llmlb_cold_routes_total counter",
        `llmlb_cold_routes_total ${f.coldRoutes}`,
      );
      out.push(
        "# HELP llmlb_route_reason_total Attempts by why their endpoint was chosen.",
        "# TYPE llmlb_route_reason_total counter",
      );
      for (const [reason, n] of f.reasons) out.push(`llmlb_route_reason_total${labels({ reason })} ${n}`);
    }
    return out;
  }
}
