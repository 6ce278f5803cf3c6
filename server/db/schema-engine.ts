import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

const GLUE_MODULE = '@prisma/schema-engine-wasm/schema_engine_bg';
type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

let gluePromise: Promise<Glue> | undefined;

/**
 * Prisma's schema engine compiled to WebAssembly. The native engine cannot be downloaded on
 * these machines; this one ships in an npm package. Node cannot `import` a .wasm file, so
 * it is instantiated by hand (and `__wbindgen_start` must run or calls fail obscurely).
 */
function loadGlue(): Promise<Glue> {
  gluePromise ??= (async () => {
    const gluePath = createRequire(import.meta.url).resolve(GLUE_MODULE);
    const glue = (await import(pathToFileURL(gluePath).href)) as Glue;
    // The package does not export the .wasm file; it sits beside the glue module.
    const bytes = readFileSync(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return gluePromise;
}

export interface SchemaFile {
  path: string;
  content: string;
}

/** Open a schema engine that talks to the database through the given driver adapter. */
export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schema: SchemaFile,
  log: (message: string) => void = () => {},
): Promise<SchemaEngine> {
  const glue = await loadGlue();
  return glue.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, log, bindMigrationAwareSqlAdapterFactory(factory));
}
