// The msw upstream as a standalone server, for running it as a container (compose) or by hand:
//   PORT=4010 node --import tsx mocks/server.ts
import { createServer } from '@mswjs/http-middleware';
import { handlers } from './handlers.ts';

const port = Number(process.env.PORT ?? 4010);
const server = createServer(...(handlers as unknown as Parameters<typeof createServer>)).listen(port, process.env.HOST ?? '0.0.0.0', () => {
  process.stdout.write(`companion-api upstream mock listening on ${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
