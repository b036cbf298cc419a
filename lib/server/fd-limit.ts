// The open-file limit and how many streams it allows: every open stream holds two descriptors, the client's
// connection and the upstream's. Node cannot raise its own limit (there is no setrlimit), so the operator does
// (`ulimit -n`, systemd's LimitNOFILE, docker's --ulimit nofile); a low soft limit is said once at start.
import fs from "node:fs";

/** Descriptors the process holds besides its streams: the database, the listener, logs, the control thread. */
const RESERVED = 200;
/** The streams a limit should allow before no warning is due: the load balancer is built to hold 5,000 at once. */
export const STREAMS_WANTED = 5000;

/** The soft "Max open files" limit in /proc/self/limits text; null when absent, Infinity when unlimited. */
export function openFilesLimit(limits: string): number | null {
  const m = /^Max open files\s+(\S+)/m.exec(limits);
  if (!m) return null;
  return m[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(m[1]) || null;
}

/** About how many concurrent streams `limit` open files allow. */
export const streamsAllowed = (limit: number) => Math.max(0, Math.floor((limit - RESERVED) / 2));

/** The start-up warning for a soft limit too low for STREAMS_WANTED streams, or null. */
export function fdLimitWarning(limit: number | null): string | null {
  if (limit === null || streamsAllowed(limit) >= STREAMS_WANTED) return null;
  const wanted = STREAMS_WANTED * 2 + RESERVED;
  return `the open-file limit is ${limit}: about ${streamsAllowed(limit)} concurrent streams (each holds 2 descriptors); raise it to at least ${wanted} (ulimit -n, systemd LimitNOFILE, docker --ulimit nofile) before starting`;
}

/** This process's soft open-file limit (Linux), or null where /proc is not there. */
export function readOpenFilesLimit(): number | null {
  try {
    return openFilesLimit(fs.readFileSync("/proc/self/limits", "utf8"));
  } catch {
    return null;
  }
}
