import { serveInProcess } from '../../src/vitest/index.ts';
import { startServer } from '../../examples/companion-api/src/server.ts';

// companion-api answers from inside the test worker, where Stryker switches its mutants on.
serveInProcess(async (env) => {
  const server = await startServer({ ...env, LOG_LEVEL: 'silent' });
  return { url: server.url, close: server.close };
});
