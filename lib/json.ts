/** A JSON object: not null, not an array. The one test of "is this an object I can read fields of". */
export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
