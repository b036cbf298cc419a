import { z } from "zod";

/**
 * The OpenAI-compatible request bodies, as far as the load balancer reads them (`model`, `stream`): /v1 passes
 * the rest to the upstream unchanged and does not validate it (the hot path parses no schema), so every object
 * here is open (extra fields allowed).
 */
const content = z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]);
const tokens = z.union([
  z.string(),
  z.array(z.string()),
  z.array(z.number().int()),
  z.array(z.array(z.number().int())),
]);

export const chatCompletionRequest = z
  .looseObject({
    model: z.string().min(1),
    messages: z.array(z.looseObject({ role: z.string(), content: content.optional() })).min(1),
    stream: z.boolean().optional(),
  })
  .meta({ id: "ChatCompletionRequest" });

export const completionRequest = z
  .looseObject({ model: z.string().min(1), prompt: tokens, stream: z.boolean().optional() })
  .meta({ id: "CompletionRequest" });
export const embeddingRequest = z
  .looseObject({ model: z.string().min(1), input: tokens })
  .meta({ id: "EmbeddingRequest" });
export const responsesRequest = z
  .looseObject({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.looseObject({}))]).optional(),
    stream: z.boolean().optional(),
  })
  .meta({ id: "ResponsesRequest" });

export const openAiError = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable(),
    }),
  })
  .meta({ id: "OpenAIError" });

/** Anthropic's Messages API (`/v1/messages`), as far as the load balancer reads it before translating it. */
export const messagesRequest = z
  .looseObject({
    model: z.string().min(1),
    max_tokens: z.number().int().positive(),
    messages: z
      .array(
        z.looseObject({
          role: z.enum(["user", "assistant"]),
          content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
        }),
      )
      .min(1),
    system: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
    stream: z.boolean().optional(),
  })
  .meta({ id: "MessagesRequest" });
export const countTokensRequest = messagesRequest.omit({ max_tokens: true }).meta({ id: "CountTokensRequest" });

export const anthropicError = z
  .object({ type: z.literal("error"), error: z.object({ type: z.string(), message: z.string() }) })
  .meta({ id: "AnthropicError" });
