import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
// Source runs from server/, compiled code from dist/server/: find the folder holding prisma/.
const candidates = [resolve(here, '..'), resolve(here, '../..')];

/** The project root (where package.json and prisma/ are), from source or compiled code. */
export const PROJECT_ROOT = candidates.find((dir) => existsSync(join(dir, 'prisma', 'schema.prisma'))) ?? process.cwd();
export const WEB_ROOT = join(PROJECT_ROOT, 'dist', 'web');
