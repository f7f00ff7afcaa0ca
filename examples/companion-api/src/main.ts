import { ConfigError } from './config.ts';
import { FlawConfigError } from './flaws/index.ts';
import { startServer, type RunningServer } from './server.ts';

async function main(): Promise<void> {
  let server: RunningServer;
  try {
    server = await startServer(process.env);
  } catch (error) {
    if (error instanceof FlawConfigError) {
      process.stderr.write(`companion-api: refusing to start: ${error.message}\n`);
      process.exit(78);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`companion-api: refusing to start. ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  let closing = false;
  // A clean exit (not death by signal) also lets NODE_V8_COVERAGE write the process's coverage.
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
