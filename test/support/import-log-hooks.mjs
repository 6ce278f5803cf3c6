// Module resolution hooks for import-log.mjs.
import { appendFileSync } from 'node:fs';

let file;
let match = [];

export function initialize(data) {
  file = data?.file;
  match = (data?.match ?? []).filter(Boolean);
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (file && match.some((part) => resolved.url.includes(part))) appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
