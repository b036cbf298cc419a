import "server-only";
import type { NextRequest } from "next/server";
import { z } from "zod";
import {
  API_BODY_LIMIT,
  ApiError,
  bodyTooLarge,
  internalError,
  requestIdOf,
  uniqueViolation,
  type FieldIssue,
} from "./errors";
import { log } from "./observability/logger";
import { englishMessage } from "./i18n/localize";

export function json(data: unknown, status = 200, headers?: Record<string, string>): Response {
  return Response.json(data, { status, headers });
}

/** One zod issue as a catalogue message (what is wrong and what to enter), never zod's own wording. */
function issueMessage(i: z.core.$ZodIssue): string {
  const size = (n: unknown) => Number(n);
  switch (i.code) {
    case "custom":
      return i.message; // written by us, from the catalogue
    case "too_small":
      if (size(i.minimum) <= 1 && (i.origin === "string" || i.origin === "array"))
        return englishMessage("val_required");
      return englishMessage(i.origin === "string" ? "val_too_short" : "val_too_small", { min: size(i.minimum) });
    case "too_big":
      return englishMessage(i.origin === "string" ? "val_too_long" : "val_too_big", { max: size(i.maximum) });
    case "invalid_type":
      if (i.input === undefined) return englishMessage("val_required");
      if (i.expected === "int") return englishMessage("val_not_integer");
      return englishMessage(i.expected === "number" ? "val_not_number" : "val_invalid");
    case "invalid_value":
      return englishMessage("val_one_of", { values: i.values.map(String).join(", ") });
    case "unrecognized_keys":
      return englishMessage("val_unknown_field");
    case "invalid_format":
      return i.format === "regex" && i.message && !i.message.startsWith("Invalid")
        ? i.message
        : englishMessage("val_invalid");
    default:
      return englishMessage("val_invalid");
  }
}

export function issuesToFields(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((i) => {
    const at = i.path.map(String);
    // an unknown field is named itself, not its parent object
    if (i.code === "unrecognized_keys")
      return i.keys.map((k) => ({ field: [...at, k].join("."), message: issueMessage(i) }));
    return [{ field: at.length ? at.join(".") : "body", message: issueMessage(i) }];
  });
}

export function validationFailure(error: z.ZodError): ApiError {
  const fields = issuesToFields(error);
  return new ApiError("validation_error", fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailure(result.error);
  return result.data;
}

/** The body as text, refusing (without buffering it) one that is larger than `limit` bytes. */
async function readText(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw bodyTooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks)); // as Request.text(): a BOM is dropped
}

/** Reads a JSON body (≤ 1 MiB) and validates it; any failure is a 400 naming the field. */
export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const text = await readText(req, API_BODY_LIMIT);
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError("validation_error", `body: ${englishMessage("val_malformed_json")}`, [
      { field: "body", message: englishMessage("val_malformed_json") },
    ]);
  }
  return parseWith(schema, value);
}

/**
 * Parses the query string with `schema`. A parameter given twice is refused: which of the values counts would be a
 * guess, and two readers guessing differently is how a check and the thing it guards come apart.
 */
export function parseQuery<S extends z.ZodType>(req: NextRequest | Request, schema: S): z.infer<S> {
  const params = new URL(req.url).searchParams;
  const obj: Record<string, string> = {};
  for (const [k, v] of params) {
    if (Object.hasOwn(obj, k))
      throw new ApiError("validation_error", `${k}: given more than once`, [
        { field: k, message: "given more than once" },
      ]);
    obj[k] = v;
  }
  return parseWith(schema, obj);
}

/** Every /api failure as the one error shape, with the request's id when it has one. */
export function errorResponse(err: unknown, req?: Request): Response {
  const requestId = req ? requestIdOf(req.headers) : null;
  const send = (e: ApiError) => json(e.toJSON(requestId), e.status, e.headers);
  if (err instanceof ApiError) return send(err);
  if (err instanceof z.ZodError) return send(validationFailure(err));
  // a unique value taken by a concurrent request between a route's own check and its write
  if (uniqueViolation(err)) return send(new ApiError("conflict", "already exists"));
  log.error("unhandled error in /api route", {
    error: err instanceof Error ? err.message : String(err),
    request_id: requestId ?? undefined,
  });
  return send(internalError());
}

type Handler<C> = (req: NextRequest, ctx: C) => Promise<Response>;

/** Wraps a route handler so that every failure becomes the one /api error shape. */
export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(err, req);
    }
  };
}

export type IdParams = { params: Promise<{ id: string }> };
