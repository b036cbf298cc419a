// fast-check arbitraries for adversarial JSON *texts*: wrong types, huge strings, deep nesting, unicode/NUL/RTL,
// prototype keys, duplicate keys, numbers JSON.stringify cannot produce (1e309, -0, 30-digit integers), and raw garbage.
import fc from "fast-check";

/** A JSON value kept as a tree so that raw number tokens and duplicate/prototype keys survive serialisation. */
export type J = { raw: string } | string | number | boolean | null | J[] | { entries: Array<[string, J]> };

export function toJson(v: J): string {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : "null";
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`;
  if ("raw" in v) return v.raw;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
}

export const obj = (o: Record<string, J>): J => ({ entries: Object.entries(o) });

const MB = "x".repeat(1_000_000);

export const NASTY_STRINGS = [
  "",
  " ",
  "\t\n",
  "\u0000",
  "a\u0000b",
  "\u202eevil\u202c.exe",
  "مرحبا بالعالم",
  "😀👩‍👩‍👧‍👦🏳️‍🌈",
  "\ud800",
  "\udfff\ud800",
  "\uffff\ufeff",
  "../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "%00",
  "%E0%A4%A",
  "__proto__",
  "constructor",
  "prototype",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "null",
  "undefined",
  "true",
  "' OR '1'='1' --",
  '"; DROP TABLE endpoints; --',
  "<script>alert(1)</script>",
  "${jndi:ldap://127.0.0.1/x}",
  "{{7*7}}",
  "\r\nX-Injected: 1",
  "a".repeat(5000),
];

/** A string, weighted towards the nasty ones; rarely ~1 MB. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant(MB) },
);

export const nastyNumber: fc.Arbitrary<J> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom<J>(0, -1, 1, 9, 10, 11, 299, 300, 301, 600, 601, 10_000, 10_001, 2 ** 31, 2 ** 53 + 2, 1.5, 1e-320),
  fc.constantFrom<J>(
    { raw: "1e309" },
    { raw: "-1e309" },
    { raw: "-0" },
    { raw: "123456789012345678901234567890" },
    { raw: "1E400" },
    { raw: "0.1e-400" },
    { raw: "10.0" },
  ),
);

export const nastyKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "",
    "\u0000",
    "😀",
    "a.b",
    "id",
    "role",
    "admin",
    "permissions",
  ),
  fc.string({ maxLength: 12 }),
);

/** Any JSON value, of bounded size; depth grows rarely. */
export const anyJ: fc.Arbitrary<J> = fc.letrec<{ v: J }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.array(fc.tuple(nastyKey, tie("v")), { maxLength: 4 }).map((entries) => ({ entries })),
  ),
})).v;

/** Deep nesting: 5,000 levels of arrays or objects, optionally wrapped as a field value. */
export const deep = (depth = 5000): J[] => [
  { raw: "[".repeat(depth) + "]".repeat(depth) },
  { raw: `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` },
];

/** Bodies that are not JSON at all, or not an object. */
export const GARBAGE_BODIES = [
  "{bad",
  "{",
  "[",
  '{"a":}',
  '{"a":1,}',
  "NaN",
  '{"model": NaN}',
  '{"name": Infinity}',
  "\u0000",
  "\ufeff{}",
  "null",
  "[]",
  "123",
  '"string"',
  "true",
  "'single'",
  "<xml/>",
  "a=1&b=2",
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"admin": true}}}',
  "[".repeat(5000) + "]".repeat(5000),
  `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`,
  JSON.stringify({ big: "y".repeat(1_200_000) }), // over the 1 MiB /api limit
];

/**
 * An object body built from a valid template: each field kept valid, dropped, or replaced by an adversarial
 * value (possibly deeply nested); plus extra keys (prototype keys included), sometimes duplicated.
 */
export function mutatedBody(
  valid: Record<string, fc.Arbitrary<J>>,
  bad: Record<string, fc.Arbitrary<J>> = {},
): fc.Arbitrary<string> {
  const fields = Object.fromEntries(
    Object.entries(valid).map(([k, arb]) => [
      k,
      fc.oneof(
        { weight: 3, arbitrary: arb.map((v) => ({ keep: true as const, v })) },
        { weight: 1, arbitrary: fc.constant({ keep: false as const, v: null as J }) },
        { weight: 2, arbitrary: (bad[k] ?? anyJ).map((v) => ({ keep: true as const, v })) },
        { weight: 1, arbitrary: fc.constantFrom(...deep()).map((v) => ({ keep: true as const, v })) },
      ),
    ]),
  );
  return fc
    .tuple(fc.record(fields), fc.array(fc.tuple(nastyKey, anyJ), { maxLength: 2 }), fc.option(anyJ, { freq: 4 }))
    .map(([chosen, extra, dup]) => {
      const entries: Array<[string, J]> = Object.entries(chosen)
        .filter(([, c]) => c.keep)
        .map(([k, c]) => [k, c.v]);
      // a duplicate key: JSON.parse keeps the last one
      if (dup !== null && entries.length) entries.push([entries[0][0], dup]);
      return toJson({ entries: [...entries, ...extra] });
    });
}

/** A body: mostly mutated templates, sometimes any JSON value, sometimes garbage. */
export function fuzzBody(
  valid: Record<string, fc.Arbitrary<J>>,
  bad: Record<string, fc.Arbitrary<J>> = {},
): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: mutatedBody(valid, bad) },
    { weight: 1, arbitrary: anyJ.map(toJson) },
    { weight: 1, arbitrary: fc.constantFrom(...GARBAGE_BODIES) },
  );
}

/** Path segments for ids: traversal, encodings, SQL, unicode, random UUIDs (unknown), empty-ish. */
export const nastyId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%5c..%5cwindows",
    "....%2f%2f....%2f%2fetc%2fpasswd",
    "%00",
    "%E0%A4%A",
    "%",
    "%25",
    "null",
    "undefined",
    "0",
    "-1",
    "00000000-0000-0000-0000-000000000000",
    "00000000-0000-4000-8000-000000000000",
    "%27%20OR%20%271%27%3D%271",
    encodeURIComponent("😀\u202e"),
    "a".repeat(3000),
    "__proto__",
    "constructor",
  ),
  fc.uuid(),
  fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((x) => x !== "." && x !== "..")
    .map(encodeURIComponent),
);

/** encodeURIComponent that never throws (lone surrogates become U+FFFD first). */
export const encode = (x: string) => encodeURIComponent(x.toWellFormed());

/** True when the path segment decodes (the server answers 400 for one that does not). */
export function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}
