// An upstream's compressed answer, decoded as it arrives. The proxy asks every upstream for identity encoding, but
// an upstream behind a compressing proxy or CDN may send gzip anyway; the answer must still be read (its JSON
// checked, its usage counted) and the client gets it decoded.
import zlib from "node:zlib";

export type BodyDecoder = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

/** Content-Encoding values the proxy decodes; anything else is an answer it cannot read. */
const KNOWN = new Set(["gzip", "x-gzip", "deflate", "br"]);

/** "identity" for an answer to pass as it is, the one encoding to decode, or null when it cannot be decoded. */
export function encodingOf(header: string | string[] | undefined): "identity" | "gzip" | "deflate" | "br" | null {
  if (header === undefined) return "identity";
  const e = (Array.isArray(header) ? header.join(",") : header).trim().toLowerCase();
  if (e === "" || e === "identity") return "identity";
  if (!KNOWN.has(e)) return null;
  return e === "x-gzip" ? "gzip" : (e as "gzip" | "deflate" | "br");
}

/**
 * A decoder for `encoding`. "deflate" is the zlib format by the standard, but some servers send raw deflate:
 * `first` (the answer's first byte) tells which, as browsers and undici's fetch do.
 */
export function createDecoder(encoding: "gzip" | "deflate" | "br", first: number): BodyDecoder {
  if (encoding === "gzip") return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (encoding === "br") return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  return (first & 0x0f) === 0x08
    ? zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH })
    : zlib.createInflateRaw({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
}
