import "server-only";
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import pkg from "../../package.json" with { type: "json" };
import { API_ERROR_STATUS } from "../errors";
import {
  createEndpointSchema,
  downloadSchema,
  listEndpointsQuery,
  probeSchema,
  progressQuery,
  updateEndpointSchema,
} from "../endpoints/schema";
import { createApiKeySchema } from "../auth/api-keys";
import { changeOwnPasswordSchema, createUserSchema, updateUserSchema } from "../auth/users";
import { listRequestsQuery, exportRequestsQuery } from "../history/schema";
import { configDocumentSchema, importQuery } from "../config/schema";
import {
  anthropicError,
  chatCompletionRequest,
  completionRequest,
  countTokensRequest,
  embeddingRequest,
  messagesRequest,
  openAiError,
  responsesRequest,
} from "./v1-schemas";

/**
 * The OpenAPI 3.1 document of /api and /v1, built from the zod schemas the route handlers validate with (the
 * `parseBody` / `parseQuery` argument of each route), so the description cannot drift from the checks.
 */
const apiError = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(API_ERROR_STATUS) as [keyof typeof API_ERROR_STATUS]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "ApiError" });
const anyJson = z.looseObject({});
const id = z.object({ id: z.string() });

type Access = "public" | "api" | "v1" | "anthropic";
interface Op {
  method: RouteConfig["method"];
  path: string;
  summary: string;
  access: Access;
  permission?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  ok?: number;
  text?: boolean;
}

const SECURITY: Record<string, string[]>[] = [{ bearer: [] }, { apiKeyHeader: [] }, { session: [] }];

function route(o: Op): RouteConfig {
  const tag =
    o.access === "anthropic"
      ? "Anthropic-compatible"
      : o.path.startsWith("/v1")
        ? "OpenAI-compatible"
        : o.path === "/metrics"
          ? "Metrics"
          : (o.path.split("/")[2] ?? "api");
  const errorBody = o.access === "v1" ? openAiError : o.access === "anthropic" ? anthropicError : apiError;
  const ok = o.ok ?? 200;
  return {
    method: o.method,
    path: o.path,
    summary: o.summary,
    description: o.permission ? `Permission: \`${o.permission}\`.` : undefined,
    tags: [tag],
    security: o.access === "public" ? [] : SECURITY,
    request: {
      params: o.params,
      query: o.query,
      body: o.body ? { required: true, content: { "application/json": { schema: o.body } } } : undefined,
    },
    responses: {
      [ok]:
        ok === 204
          ? { description: "done" }
          : {
              description: "success",
              content: o.text ? { "text/plain": { schema: z.string() } } : { "application/json": { schema: anyJson } },
            },
      ...(o.access === "public"
        ? {}
        : {
            401: { description: "no or bad credential", content: { "application/json": { schema: errorBody } } },
            403: { description: "missing permission", content: { "application/json": { schema: errorBody } } },
          }),
      400: { description: "invalid request", content: { "application/json": { schema: errorBody } } },
    },
  };
}

const byId = id;
const byIdModel = z.object({ id: z.string(), model: z.string() });

const OPS: Op[] = [
  { method: "get", path: "/api/health", summary: "Health of this instance and its database", access: "public" },
  { method: "get", path: "/api/openapi.json", summary: "This document", access: "public" },
  {
    method: "get",
    path: "/api/endpoints",
    summary: "List endpoints",
    access: "api",
    permission: "endpoints.read",
    query: listEndpointsQuery,
  },
  {
    method: "post",
    path: "/api/endpoints",
    summary: "Register an endpoint",
    access: "api",
    permission: "endpoints.manage",
    body: createEndpointSchema,
    ok: 201,
  },
  {
    method: "get",
    path: "/api/endpoints/{id}",
    summary: "An endpoint with its models and recent health checks",
    access: "api",
    permission: "endpoints.read",
    params: byId,
  },
  {
    method: "patch",
    path: "/api/endpoints/{id}",
    summary: "Edit an endpoint",
    access: "api",
    permission: "endpoints.manage",
    params: byId,
    body: updateEndpointSchema,
  },
  {
    method: "delete",
    path: "/api/endpoints/{id}",
    summary: "Delete an endpoint",
    access: "api",
    permission: "endpoints.manage",
    params: byId,
    ok: 204,
  },
  {
    method: "post",
    path: "/api/endpoints/probe",
    summary: "Test a URL before saving",
    access: "api",
    permission: "endpoints.manage",
    body: probeSchema,
  },
  {
    method: "post",
    path: "/api/endpoints/{id}/test",
    summary: "Connection test",
    access: "api",
    permission: "endpoints.manage",
    params: byId,
  },
  {
    method: "post",
    path: "/api/endpoints/{id}/sync",
    summary: "Model sync",
    access: "api",
    permission: "endpoints.manage",
    params: byId,
  },
  {
    method: "get",
    path: "/api/endpoints/{id}/models",
    summary: "An endpoint's models",
    access: "api",
    permission: "endpoints.read",
    params: byId,
  },
  {
    method: "get",
    path: "/api/endpoints/{id}/models/{model}/info",
    summary: "Model metadata (xLLM, Ollama)",
    access: "api",
    permission: "endpoints.read",
    params: byIdModel,
  },
  {
    method: "post",
    path: "/api/endpoints/{id}/download",
    summary: "Start an xLLM model download",
    access: "api",
    permission: "endpoints.manage",
    params: byId,
    body: downloadSchema,
  },
  {
    method: "get",
    path: "/api/endpoints/{id}/download/progress",
    summary: "Download progress",
    access: "api",
    permission: "endpoints.read",
    params: byId,
    query: progressQuery,
  },
  {
    method: "get",
    path: "/api/api-keys",
    summary: "List API keys",
    access: "api",
    permission: "api_keys.manage (any dashboard user may list)",
  },
  {
    method: "post",
    path: "/api/api-keys",
    summary: "Create an API key (plaintext shown once)",
    access: "api",
    permission: "api_keys.manage",
    body: createApiKeySchema,
    ok: 201,
  },
  {
    method: "delete",
    path: "/api/api-keys/{id}",
    summary: "Revoke an API key",
    access: "api",
    permission: "api_keys.manage",
    params: byId,
    ok: 204,
  },
  {
    method: "get",
    path: "/api/users",
    summary: "List users",
    access: "api",
    permission: "users.manage (any dashboard user may list)",
  },
  {
    method: "post",
    path: "/api/users",
    summary: "Create a user",
    access: "api",
    permission: "users.manage",
    body: createUserSchema,
    ok: 201,
  },
  {
    method: "patch",
    path: "/api/users/{id}",
    summary: "Change a user's role or reset their password",
    access: "api",
    permission: "users.manage",
    params: byId,
    body: updateUserSchema,
  },
  {
    method: "delete",
    path: "/api/users/{id}",
    summary: "Delete a user",
    access: "api",
    permission: "users.manage",
    params: byId,
    ok: 204,
  },
  { method: "get", path: "/api/me", summary: "Who am I", access: "api" },
  { method: "patch", path: "/api/me", summary: "Change my password", access: "api", body: changeOwnPasswordSchema },
  {
    method: "get",
    path: "/api/requests",
    summary: "Request history",
    access: "api",
    permission: "logs.read",
    query: listRequestsQuery,
  },
  {
    method: "get",
    path: "/api/requests/export",
    summary: "Request history as CSV (newest 10,000 rows)",
    access: "api",
    permission: "logs.read",
    query: exportRequestsQuery,
    text: true,
  },
  {
    method: "get",
    path: "/api/stats/overview",
    summary: "Dashboard overview",
    access: "api",
    permission: "metrics.read",
  },
  {
    method: "get",
    path: "/api/config/export",
    summary: "The configuration as one document, without secrets",
    access: "api",
    permission: "endpoints.manage and users.manage",
  },
  {
    method: "post",
    path: "/api/config/import",
    summary: "Dry-run diff of a configuration document; ?apply=1 applies it",
    access: "api",
    permission: "endpoints.manage and users.manage",
    query: importQuery,
    body: configDocumentSchema,
  },
  { method: "get", path: "/api/config/schema", summary: "JSON Schema of the configuration document", access: "public" },
  {
    method: "get",
    path: "/v1/models",
    summary: "Models of the online endpoints",
    access: "v1",
    permission: "openai.models.read",
  },
  {
    method: "get",
    path: "/v1/models/{model}",
    summary: "One model",
    access: "v1",
    permission: "openai.models.read",
    params: z.object({ model: z.string() }),
  },
  {
    method: "post",
    path: "/v1/chat/completions",
    summary: "Chat completion (proxied)",
    access: "v1",
    permission: "openai.inference",
    body: chatCompletionRequest,
  },
  {
    method: "post",
    path: "/v1/completions",
    summary: "Text completion (proxied)",
    access: "v1",
    permission: "openai.inference",
    body: completionRequest,
  },
  {
    method: "post",
    path: "/v1/embeddings",
    summary: "Embeddings (proxied)",
    access: "v1",
    permission: "openai.inference",
    body: embeddingRequest,
  },
  {
    method: "post",
    path: "/v1/responses",
    summary: "Responses API (proxied)",
    access: "v1",
    permission: "openai.inference",
    body: responsesRequest,
  },
  {
    method: "post",
    path: "/v1/messages",
    summary: "Anthropic Messages API (translated to a chat completion)",
    access: "anthropic",
    permission: "openai.inference",
    body: messagesRequest,
  },
  {
    method: "post",
    path: "/v1/messages/count_tokens",
    summary: "Anthropic token count (estimated here)",
    access: "anthropic",
    permission: "openai.inference",
    body: countTokensRequest,
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics",
    access: "api",
    permission: "metrics.read",
    text: true,
  },
];

let cached: ReturnType<OpenApiGeneratorV31["generateDocument"]> | undefined;

export function openApiDocument() {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API key: `Authorization: Bearer sk_…`",
  });
  registry.registerComponent("securitySchemes", "apiKeyHeader", { type: "apiKey", in: "header", name: "X-API-Key" });
  registry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "next-auth.session-token",
    description: "The dashboard session (mutations same-origin only)",
  });
  for (const o of OPS) registry.registerPath(route(o));
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "LLM Load Balancer",
      version: pkg.version,
      description: "The /api management API and the OpenAI-compatible /v1 API.",
    },
  });
  return cached;
}
