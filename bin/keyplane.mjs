#!/usr/bin/env node
// `npx keyplane …`: runs the TypeScript CLI directly, so it works on a fresh clone without a build.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
