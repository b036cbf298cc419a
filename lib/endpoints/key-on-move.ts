/** Whether two URLs share an origin (scheme, host and port); an unparsable one shares nothing. Pure. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * What becomes of an endpoint's stored key when its base URL changes. A key is a credential for one host: moved to
 * another origin it is dropped, unless the same request gives one (`supplied`, a new key or an explicit `null`);
 * a new path on the same origin keeps it. Pure.
 */
export function keyOnMove(p: { from: string; to: string; supplied: boolean; stored: boolean }): "keep" | "clear" {
  return p.stored && !p.supplied && p.from !== p.to && !sameOrigin(p.from, p.to) ? "clear" : "keep";
}
