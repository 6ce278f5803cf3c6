import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Start a worker thread on a module beside the caller: `<name>.js` when compiled, `<name>.ts`
 * when run from TypeScript (tsx: npm run dev, tests). `--import tsx` does not reach worker
 * threads on Node 20, so there the worker registers tsx's loader itself before importing the entry.
 */
export function startModuleWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const entry = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`;
  return new Worker(code, { ...options, eval: true });
}
