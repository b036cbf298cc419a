// A JSON Schema (as the OpenAPI document holds it) rendered as a nested list of fields. Server component.
export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  format?: string;
  additionalProperties?: boolean | Schema;
};

const refName = (ref: string) => ref.split("/").pop() ?? ref;

/** "string, 1–100 chars", "integer 10–300", "one of a | b". Pure. */
export function describeType(s: Schema): string {
  if (s.$ref) return refName(s.$ref);
  if (s.enum) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(" | ")}`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(describeType).join(" or ");
  const type = Array.isArray(s.type) ? s.type.join(" or ") : (s.type ?? "any");
  const parts = [s.items ? `${type} of ${describeType(s.items)}` : type];
  if (s.format) parts.push(s.format);
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? ""}–${s.maximum ?? ""}`);
  if (s.minLength !== undefined || s.maxLength !== undefined)
    parts.push(`${s.minLength ?? 0}–${s.maxLength ?? "∞"} chars`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join(", ");
}

export function SchemaView({ schema, depth = 0 }: { schema: Schema; depth?: number }) {
  const props = schema.properties ?? schema.items?.properties;
  if (!props || depth > 4) return <span className="font-mono text-xs text-slate-600">{describeType(schema)}</span>;
  const required = new Set(schema.required ?? schema.items?.required ?? []);
  return (
    <ul className="space-y-1 border-l border-slate-200 pl-3">
      {Object.entries(props).map(([name, p]) => (
        <li key={name} className="text-xs">
          <span className="font-mono font-medium text-slate-800">{name}</span>
          {required.has(name) && <span className="ml-1 text-red-600">*</span>}
          <span className="ml-2 font-mono text-slate-500">{describeType(p)}</span>
          {p.description && <span className="ml-2 text-slate-500">— {p.description}</span>}
          {(p.properties || p.items?.properties) && <SchemaView schema={p} depth={depth + 1} />}
        </li>
      ))}
    </ul>
  );
}
