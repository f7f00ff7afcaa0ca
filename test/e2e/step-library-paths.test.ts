import { createServer, request, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type ResolvedConfig } from '../../src/config/load.ts';
import { createKit, runJourney } from '../../src/e2e/index.ts';
import { chatJourney } from '../../suites/e2e/journeys/chat.ts';
import { ROOT } from '../helpers/cli.ts';

/**
 * A target with other paths: companion-api behind a proxy that serves it only under /api/v2 with
 * every resource renamed. The chat journey runs against it unchanged, given a config with the new
 * paths: the journeys name endpoints, never paths.
 */
const RENAMES: [RegExp, string][] = [
  [/^\/api\/v2\/signup$/, '/auth/register'],
  [/^\/api\/v2\/signin$/, '/auth/login'],
  [/^\/api\/v2\/token$/, '/auth/refresh'],
  [/^\/api\/v2\/signout$/, '/auth/logout'],
  [/^\/api\/v2\/status$/, '/health'],
  [/^\/api\/v2\/prom$/, '/metrics'],
  [/^\/api\/v2\/chats(\/[^/]+)?\/posts$/, '/conversations$1/messages'],
  [/^\/api\/v2\/chats(\/[^/]+)?$/, '/conversations$1'],
];

function renamingProxy(targetUrl: string): Promise<Server> {
  const target = new URL(targetUrl);
  const server = createServer((req, res) => {
    const [pathname, query] = (req.url ?? '/').split('?');
    const rule = RENAMES.find(([pattern]) => pattern.test(pathname as string));
    if (!rule) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not under /api/v2"}');
    const upstreamPath = (pathname as string).replace(rule[0], rule[1]) + (query ? `?${query}` : '');
    const forward = request({ host: target.hostname, port: target.port, path: upstreamPath, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the step library on a target with other paths', () => {
  let proxy: Server;
  let base: ResolvedConfig;
  let proxyUrl: string;
  beforeAll(async () => {
    base = (await loadConfig(path.join(ROOT, 'gauntlet.config.ts'))).config;
    proxy = await renamingProxy(inject('gauntlet').targetUrl as string);
    proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('runs the chat journey unchanged when the config names the new paths', async () => {
    const auth = base.target.auth as NonNullable<ResolvedConfig['target']['auth']>;
    const e2e = base.stages.e2e as NonNullable<ResolvedConfig['stages']['e2e']>;
    const config: ResolvedConfig = {
      ...base,
      target: {
        ...base.target,
        health: { ...base.target.health, path: '/api/v2/status' },
        auth: {
          ...auth,
          register: { ...(auth.register as NonNullable<typeof auth.register>), path: '/api/v2/signup' },
          login: { ...(auth.login as NonNullable<typeof auth.login>), path: '/api/v2/signin' },
          refresh: { ...(auth.refresh as NonNullable<typeof auth.refresh>), path: '/api/v2/token' },
          logout: { ...(auth.logout as NonNullable<typeof auth.logout>), path: '/api/v2/signout' },
        },
      },
      stages: {
        ...base.stages,
        e2e: {
          ...e2e,
          endpoints: { createConversation: 'POST /api/v2/chats', getConversation: 'GET /api/v2/chats/{id}', sendMessage: 'POST /api/v2/chats/{id}/posts' },
          metrics: { ...(e2e.metrics as NonNullable<typeof e2e.metrics>), path: '/api/v2/prom' },
        },
      },
    };
    const steps = await runJourney(chatJourney, createKit(config, { ...inject('gauntlet'), targetUrl: proxyUrl }));
    expect(steps.filter((s) => s.status !== 'passed')).toEqual([]);
    expect(steps).toHaveLength(chatJourney.steps.length);
  });

  it('fails at the first step with the original paths (the proxy serves only /api/v2): the paths come from the config', async () => {
    const steps = await runJourney(chatJourney, createKit(base, { ...inject('gauntlet'), targetUrl: proxyUrl }));
    expect(steps[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('health answered 404') });
    expect(steps.slice(1).every((s) => s.status === 'skipped')).toBe(true);
  });
});
