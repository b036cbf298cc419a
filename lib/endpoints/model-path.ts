/** Why `modelPathSegment` refused an id. */
export const DOT_SEGMENT_REFUSAL = "must not contain '.' or '..' path segments";

/**
 * A model id as one segment of an upstream URL path, or null when it cannot be one. encodeURIComponent keeps `/`
 * from splitting it, but not a `.`/`..` segment (URL parsing resolves `/api/models/../info` to `/api/info`, and
 * `%2E%2E` the same way), nor an upstream that decodes `%2F` (or treats `\` as a separator) before routing: an id
 * with a dot segment on either separator is refused, so none reaches another path of the upstream with the
 * endpoint's key. Pure.
 */
export function modelPathSegment(model: string): string | null {
  return model.split(/[/\\]/).some((seg) => seg === "." || seg === "..") ? null : encodeURIComponent(model);
}
