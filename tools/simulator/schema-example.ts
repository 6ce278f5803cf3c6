/**
 * A small value that satisfies a JSON Schema, so structured-output requests get an answer
 * their client can parse and validate. Covers what response formats and tool schemas use:
 * `type` (also a list, or Gemini's upper-case OpenAPI names), `properties`/`required`,
 * `items`/`minItems`, `enum`, `const`, `anyOf`/`oneOf`/`allOf`, `$ref` into `$defs`/`definitions`,
 * string formats and numeric bounds. `pattern` is not solved.
 */

/** A JSON Schema (or Gemini `responseSchema`) as it arrives in a request body. */
export type JsonSchema = { [key: string]: unknown };

// Recursive schemas ($ref to an ancestor) stop growing here: only required members below it.
const MAX_DEPTH = 8;

const STRING_FORMATS: Record<string, string> = {
  'date-time': '1970-01-01T00:00:00Z',
  date: '1970-01-01',
  time: '00:00:00',
  email: 'user@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  const path = ref.replace(/^#\/?/, '').split('/').filter(Boolean);
  let node: unknown = root;
  for (const part of path) node = isSchema(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return isSchema(node) ? node : {};
}

function typeOf(schema: JsonSchema): string | undefined {
  const type = schema.type;
  const named = Array.isArray(type) ? (type.find((t) => String(t).toLowerCase() !== 'null') ?? type[0]) : type;
  if (typeof named === 'string') return named.toLowerCase();
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function stringExample(schema: JsonSchema): string {
  const format = typeof schema.format === 'string' ? STRING_FORMATS[schema.format] : undefined;
  if (format) return format;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  return 'example'.padEnd(min, 'x').slice(0, max);
}

function numberExample(schema: JsonSchema, integer: boolean): number {
  let value = 0;
  if (typeof schema.minimum === 'number') value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) value = schema.exclusiveMinimum + 1;
  if (typeof schema.maximum === 'number' && value > schema.maximum) value = schema.maximum;
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) value = schema.exclusiveMaximum - 1;
  return integer ? Math.ceil(value) : value;
}

function objectExample(root: JsonSchema, schema: JsonSchema, depth: number): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : undefined;
  // Without a `required` list (Gemini's usual schema) every property is shown, so the example says something.
  const names = required ?? (depth >= MAX_DEPTH ? [] : Object.keys(properties));
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = generate(root, isSchema(properties[name]) ? properties[name] : {}, depth + 1);
  return out;
}

function generate(root: JsonSchema, schema: JsonSchema, depth: number): unknown {
  // A schema that requires itself has no finite instance; stop instead of overflowing the stack.
  if (depth > MAX_DEPTH * 8) return null;
  if (typeof schema.$ref === 'string') return generate(root, resolveRef(root, schema.$ref), depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.filter(isSchema).map((part) => generate(root, part, depth + 1));
    if (parts.every((part) => isSchema(part))) return Object.assign({}, ...parts, objectExample(root, schema, depth));
    return parts[0] ?? null;
  }
  const options = [schema.anyOf, schema.oneOf].find(Array.isArray)?.filter(isSchema);
  if (options && options.length > 0) {
    const chosen = options.find((option) => typeOf(option) !== 'null') ?? options[0];
    return generate(root, chosen as JsonSchema, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object':
      return objectExample(root, schema, depth);
    case 'array': {
      const items = isSchema(schema.items) ? schema.items : {};
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
      const count = Math.min(Math.max(typeof schema.minItems === 'number' ? schema.minItems : 1, 1), max);
      return depth >= MAX_DEPTH && !(typeof schema.minItems === 'number' && schema.minItems > 0)
        ? []
        : Array.from({ length: count }, () => generate(root, items, depth + 1));
    }
    case 'string':
      return stringExample(schema);
    case 'integer':
      return numberExample(schema, true);
    case 'number':
      return numberExample(schema, false);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** An example value valid against `schema` (`$ref`s resolve against the schema itself). */
export function schemaExample(schema: unknown): unknown {
  const root = isSchema(schema) ? schema : {};
  return generate(root, root, 0);
}
