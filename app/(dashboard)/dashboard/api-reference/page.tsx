import { openApiDocument } from "@/lib/openapi/document";
import { pageContext } from "../page-context";
import { SchemaView, type Schema } from "./schema-view";

type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string }>;
};

const METHOD_COLOURS: Record<string, string> = {
  get: "bg-sky-100 text-sky-800",
  post: "bg-emerald-100 text-emerald-800",
  patch: "bg-amber-100 text-amber-800",
  delete: "bg-red-100 text-red-800",
};

/** The OpenAPI document (GET /api/openapi.json) rendered with the dashboard's own components, grouped by tag. */
export default async function ApiReferencePage() {
  const { t } = await pageContext();
  const doc = openApiDocument();
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  );
  const tags = [...new Set(ops.map((o) => o.op.tags?.[0] ?? "api"))];
  const resolve = (s: Schema): Schema => (s.$ref ? (schemas[s.$ref.split("/").pop()!] ?? s) : s);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t.apiReference}</h1>
        <a className="text-sm text-indigo-700 underline" href="/api/openapi.json">
          OpenAPI {doc.openapi} (JSON)
        </a>
      </div>
      <p className="text-sm text-slate-600">{doc.info.description}</p>
      {tags.map((tag) => (
        <section key={tag} className="card space-y-3" aria-label={tag}>
          <h2 className="text-lg font-semibold capitalize">{tag}</h2>
          {ops
            .filter((o) => (o.op.tags?.[0] ?? "api") === tag)
            .map(({ path, method, op }) => {
              const body = op.requestBody?.content["application/json"]?.schema;
              return (
                <details
                  key={`${method} ${path}`}
                  className="rounded border border-slate-200 px-3 py-2"
                  data-testid="api-operation"
                >
                  <summary className="cursor-pointer text-sm">
                    <span
                      className={`mr-2 inline-block w-16 rounded px-1.5 py-0.5 text-center font-mono text-xs uppercase ${METHOD_COLOURS[method] ?? "bg-slate-100"}`}
                    >
                      {method}
                    </span>
                    <span className="font-mono">{path}</span>
                    <span className="ml-3 text-slate-500">{op.summary}</span>
                  </summary>
                  <div className="mt-2 space-y-2 text-sm">
                    {op.description && <p className="text-slate-600">{op.description}</p>}
                    {op.parameters?.length ? (
                      <div>
                        <h3 className="text-xs font-semibold uppercase text-slate-500">Parameters</h3>
                        <ul className="text-xs">
                          {op.parameters.map((p) => (
                            <li key={`${p.in}:${p.name}`}>
                              <span className="font-mono font-medium">{p.name}</span>{" "}
                              <span className="text-slate-500">({p.in})</span>
                              {p.required && <span className="ml-1 text-red-600">*</span>}{" "}
                              <SchemaView schema={p.schema} />
                            </li>
                          ))}
                        </ul>
                      </div>
                    ) : null}
                    {body && (
                      <div>
                        <h3 className="text-xs font-semibold uppercase text-slate-500">Request body</h3>
                        <SchemaView schema={resolve(body)} />
                      </div>
                    )}
                    <div>
                      <h3 className="text-xs font-semibold uppercase text-slate-500">Responses</h3>
                      <ul className="text-xs">
                        {Object.entries(op.responses).map(([code, r]) => (
                          <li key={code}>
                            <span className="font-mono">{code}</span> {r.description}
                          </li>
                        ))}
                      </ul>
                    </div>
                  </div>
                </details>
              );
            })}
        </section>
      ))}
    </div>
  );
}
