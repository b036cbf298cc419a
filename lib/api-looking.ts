// Requests that are plainly meant for an API but reached the dashboard's pages (an SDK whose base URL lacks /v1,
// a script with a key): they get a small JSON 404 that says what to fix, never Next's 10 KB HTML page.
// Pure; called from proxy.ts (and usable from lib/server/router.ts ahead of Next).
import { ApiError } from "./errors";
import { englishMessage } from "./i18n/localize";

/** The route tails of the OpenAI and Anthropic APIs, as an SDK appends them to its base URL. */
const API_TAILS =
  /^\/(chat\/completions|completions|embeddings|models(\/.*)?|responses(\/.*)?|messages(\/count_tokens)?|moderations|audio\/.+|images\/.+|files(\/.*)?|batches(\/.*)?)\/?$/;

interface RequestLike {
  method: string;
  path: string;
  headers: { get(name: string): string | null };
}

/** True when the request is API-looking: an API route tail, a non-GET, an API key, or a JSON-only Accept. */
export function isApiLooking({ method, path, headers }: RequestLike): boolean {
  if (API_TAILS.test(path)) return true;
  if (path.startsWith("/v1/") || path.startsWith("/api/")) return false; // served by the proxy and the API routes
  if (method !== "GET" && method !== "HEAD") return true;
  if (headers.get("x-api-key") || /^bearer\s/i.test(headers.get("authorization") ?? "")) return true;
  const accept = headers.get("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

/** The answer for an API-looking request to a path that is no page: 404 in the /api error shape, with the fix. */
export function apiNotFound(path: string, origin: string, requestId: string | null): { status: number; body: string } {
  const err = new ApiError("not_found", englishMessage("err_no_such_route", { path, base: `${origin}/v1` }));
  return { status: err.status, body: JSON.stringify(err.toJSON(requestId)) };
}
