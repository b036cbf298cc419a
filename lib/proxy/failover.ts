// The failover rules of /v1, as pure functions: what an attempt's failure means (try the next endpoint or not, and
// whether it counts against the endpoint), and which error the client gets when no endpoint answered.
import { v1Error, type ProxyError } from "./errors";

/** Why an attempt did not answer the client (nothing had reached the client yet). */
export type Failure =
  /** undici refused to send the request as built: the request's fault, and every endpoint would refuse it */
  | { kind: "unsendable"; reason: string }
  /** no connection, or it broke before the answer's headers */
  | { kind: "connect"; reason: string }
  /** no headers within the endpoint's inference timeout */
  | { kind: "timeout" }
  /** answered 3xx, 429 or 5xx */
  | { kind: "status"; status: number; retryAfter: string | null }
  /** answered 2xx with something that is no answer: not JSON, an encoding that cannot be read, cut short */
  | { kind: "unreadable"; reason: string };

export interface Verdict {
  /** try the next endpoint */
  retry: boolean;
  /** the endpoint's fault: the reason for a passive health signal, or null when it is not */
  blame: string | null;
}

/** What one failure means. */
export function judge(f: Failure): Verdict {
  switch (f.kind) {
    case "unsendable":
      return { retry: false, blame: null };
    case "connect":
    case "unreadable":
      return { retry: true, blame: f.reason };
    case "timeout":
      return { retry: true, blame: "timed out waiting for the upstream" };
    case "status":
      // 429 is the endpoint working as meant (busy), a redirect a misconfiguration the health checks judge
      return { retry: true, blame: f.status >= 500 ? `HTTP ${f.status} from a live request` : null };
  }
}

/**
 * The error for the client when no endpoint answered, from the failures in the order they happened: the last
 * answer an endpoint gave (its status, and Retry-After) says most; else the last timeout or connection failure.
 */
export function finalError(failures: readonly Failure[], model: string): ProxyError {
  const last = failures.at(-1);
  if (last?.kind === "unsendable") return v1Error("unforwardable_request", { reason: last.reason });
  const answered = failures.findLast((f) => f.kind === "status");
  if (answered) {
    const detail = { model, status: answered.status, retryAfter: answered.retryAfter };
    if (answered.status < 400) return v1Error("upstream_redirect", detail);
    return v1Error(answered.status === 429 ? "rate_limited" : "upstream_error", detail);
  }
  return v1Error(last?.kind === "timeout" ? "upstream_timeout" : "upstream_unreachable");
}
