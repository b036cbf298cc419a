// The access log (LLMLB_ACCESS_LOG=1): one JSON line per /v1 request on stdout — who, which model, where it went,
// how it ended, how long, how many tokens. Never the prompt or the answer. Off by default, and then the request
// path pays one null check.
import fs from "node:fs";
import type { Principal } from "../auth/permissions";

export interface AccessEntry {
  ts: number;
  requestId: string;
  principal: Principal | null;
  route: string;
  model: string | null;
  endpoint: string | null;
  status: number;
  outcome: string;
  durationMs: number;
  ttftMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
}

/** One entry as its JSON line: the key's or user's name, never a credential (a development key is "debug"). Pure. */
export function accessLine(e: AccessEntry): string {
  const p = e.principal;
  return `${JSON.stringify({
    ts: new Date(e.ts).toISOString(),
    type: "access",
    request_id: e.requestId,
    key: p?.kind === "api_key" ? p.name : p?.kind === "debug_key" ? "debug" : null,
    user: p?.kind === "user" ? p.name : null,
    route: e.route,
    model: e.model,
    endpoint: e.endpoint,
    status: e.status,
    outcome: e.outcome,
    duration_ms: e.durationMs,
    ttft_ms: e.ttftMs,
    prompt_tokens: e.promptTokens,
    completion_tokens: e.completionTokens,
  })}\n`;
}

/** Collects lines and writes what one turn of the event loop produced in one write. */
export class AccessLog {
  private lines: string[] = [];
  private scheduled = false;

  constructor(private readonly out: (text: string) => void) {}

  add(e: AccessEntry): void {
    this.lines.push(accessLine(e));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (!this.lines.length) return;
    const text = this.lines.join("");
    this.lines = [];
    this.out(text);
  }
}

/**
 * Writes to a file descriptor (stdout: 1) without blocking the thread: one write in flight, what comes meanwhile
 * joined into the next. `process.stdout` on a pipe writes synchronously, and a slow reader would stall /v1.
 */
export function fdWriter(fd: number): (text: string) => void {
  let pending: string[] = [];
  let writing = false;
  const next = (): void => {
    if (!pending.length) return void (writing = false);
    const buf = Buffer.from(pending.join(""));
    pending = [];
    writing = true;
    fs.write(fd, buf, () => next());
  };
  return (text) => {
    pending.push(text);
    if (!writing) next();
  };
}
