import { z } from "zod";
import { ENDPOINT_TYPES, LOCAL_PROVIDER, PERMISSIONS, ROLES } from "../db/constants";
import { createEndpointSchema } from "../endpoints/schema";

/**
 * The configuration document of GET /api/config/export and POST /api/config/import (its JSON Schema: GET
 * /api/config/schema). One shape both ways: what the export writes, the import reads. Secrets are never
 * exported; an endpoint's `api_key` may be written into the file by hand and is then stored encrypted.
 */
export const configEndpointSchema = createEndpointSchema
  .extend({
    endpoint_type: z.enum(ENDPOINT_TYPES).optional(),
    /** in an export: the endpoint has a key (not shown); give `api_key` to set one on import */
    has_api_key: z.boolean().optional(),
  })
  .meta({ description: "An endpoint and its settings, matched on import by name and base_url." });

export const configUserSchema = z
  .strictObject({
    username: z.string().trim().min(1).max(64),
    role: z.enum(ROLES),
    provider: z.string().trim().min(1).max(64).default(LOCAL_PROVIDER),
    /** the OpenID Connect subject (`sub`); null for local users */
    subject: z.string().min(1).max(255).nullish(),
  })
  .meta({
    description:
      "A user, matched by username. Never a password: an imported local user has none until an admin sets one.",
  });

export const configApiKeySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    prefix: z.string().min(1).max(32),
    permissions: z.array(z.enum(PERMISSIONS)).min(1),
    /** the username of whoever created it */
    created_by: z.string().nullish(),
    created_at: z.iso.datetime({ offset: true }),
    expires_at: z.iso.datetime({ offset: true }).nullish(),
  })
  .meta({
    description:
      "An API key's metadata, matched by name and prefix. The key itself is never exported: an imported key is stored revoked until it is reissued.",
  });

export const configDocumentSchema = z
  .strictObject({
    version: z.literal(1),
    exported_at: z.iso.datetime({ offset: true }).optional(),
    endpoints: z.array(configEndpointSchema).max(10_000).default([]),
    users: z.array(configUserSchema).max(10_000).default([]),
    api_keys: z.array(configApiKeySchema).max(10_000).default([]),
  })
  .meta({
    id: "ConfigDocument",
    title: "llmlb configuration",
    description: "Endpoints, users and API-key metadata, without secrets.",
  });

export type ConfigDocument = z.infer<typeof configDocumentSchema>;
export type ConfigEndpoint = z.infer<typeof configEndpointSchema>;
export type ConfigUser = z.infer<typeof configUserSchema>;
export type ConfigApiKey = z.infer<typeof configApiKeySchema>;

export const importQuery = z.object({ apply: z.enum(["0", "1"]).optional() });
