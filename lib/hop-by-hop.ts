/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1, and the old Proxy-Connection): never
 * passed on by a proxy, either way. Names listed in a Connection header are hop-by-hop too.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
