// Next's request proxy (runs before routing). Only one job: an API-looking request to a path that is not a page
// (an SDK whose base URL lacks /v1) gets a small JSON 404 that says what to fix, instead of the HTML 404 page.
import { NextResponse, type NextRequest } from "next/server";
import { apiNotFound, isApiLooking } from "./lib/api-looking";
import { requestIdOf } from "./lib/errors";

/** The dashboard's own paths: everything else is no page. */
const PAGES = /^\/($|dashboard(\/|$)|login(\/|$)|icon|favicon|_next\/|api\/|v1\/|metrics)/;

export function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  if (PAGES.test(path) || !isApiLooking({ method: req.method, path, headers: req.headers })) return NextResponse.next();
  const { status, body } = apiNotFound(path, req.nextUrl.origin, requestIdOf(req.headers));
  return new NextResponse(body, {
    status,
    headers: { "content-type": "application/json", "x-content-type-options": "nosniff" },
  });
}

export const config = { matcher: "/((?!_next/static|_next/image).*)" };
