import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jwtVerify } from 'jose';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

/** Debian's chromium (.ci/run installs it) or the one CHROMIUM_BINARY names (CI runners have Chrome). */
const BROWSER = [process.env.CHROMIUM_BINARY, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
const SECTIONS = ['stages', 'gates', 'failed', 'coverage', 'api-coverage', 'mutation', 'load'];

const SECRET = 'gauntlet-test-secret-0123456789abcdef0123'; // gauntlet.config.ts: target.start.env.JWT_SECRET and stages.security.jwt.secret
const ADMIN_PASSWORD = 'Gauntlet-admin-Pw9';

/**
 * No report and no console line holds a token the target issued, a test user's password or a
 * secret of the config; the failing authorization checks' reproductions (user B's requests) carry a
 * placeholder that says what goes there. Forged tokens stay as sent (alg none): they are the attack,
 * and no JWT left is one the target would accept.
 */
async function expectNoSecret(reports: (readonly [string, string])[], r: { stdout: string; stderr: string }): Promise<void> {
  const key = new TextEncoder().encode(SECRET);
  let tokensSeen = 0;
  for (const [name, text] of [...reports, ['stdout', r.stdout] as const, ['stderr', r.stderr] as const]) {
    expect(text, name).not.toContain(SECRET);
    expect(text, name).not.toContain(ADMIN_PASSWORD);
    expect(text, name).not.toMatch(/Gt-[0-9a-f]+-Pw9/); // a test user's password
    for (const [jwt] of text.matchAll(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g)) {
      tokensSeen++;
      await expect(jwtVerify(jwt, key, { algorithms: ['HS256'] }), `${name} holds a valid token`).rejects.toThrow();
    }
  }
  expect(tokensSeen).toBeGreaterThan(0); // the forged alg-none token is there, as sent: the scan is not vacuous
  const result = JSON.parse(reports[0]?.[1] ?? '{}') as RunResult;
  const authz = result.stages.flatMap((s) => s.checks).filter((c) => c.status === 'failed' && c.id.startsWith('security:authz:object:'));
  expect(authz.length).toBeGreaterThan(0);
  for (const check of authz) expect(check.message).toContain("-H 'authorization: Bearer «an access token: log in as the test user (target.auth.login) and put its token here»'");
}

describe('the reports of a failing run', () => {
  it('name the failing check in all four reports, hold no secret of the run, carry the example target\'s out-of-process coverage, and index.html renders every section in a real browser', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-reports-'));
    const r = await runCli(['run', '--stages', 'security', '--flaw', 'jwt-alg-none,broken-object-authorization', '--reports', dir], { cwd: ROOT, timeoutMs: 240_000 });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const read = (file: string) => readFile(path.join(dir, file), 'utf8');
    await expectNoSecret(await Promise.all(['results.json', 'junit.xml', 'summary.md', 'index.html'].map(async (f) => [f, await read(f)] as const)), r);
    const result = JSON.parse(await read('results.json')) as RunResult;
    const failed = result.stages.flatMap((s) => s.checks).filter((c) => c.status === 'failed');
    const check = failed.find((c) => c.id === 'security:auth:alg-none');
    expect(check?.title).toBe('an unsigned token (alg: none) is refused');
    // JUnit names the testcase by the check's title; the others by its id too.
    expect(await read('junit.xml')).toContain('<testcase classname="gauntlet.security" name="an unsigned token (alg: none) is refused"');
    for (const file of ['summary.md', 'index.html']) expect(await read(file), file).toContain('security:auth:alg-none');

    // Coverage of companion-api itself, measured on its own process while the security stage ran (not the harness's tests).
    const coverage = result.stages.find((s) => s.name === 'coverage');
    expect(coverage?.status).toBe('passed');
    const files = (coverage?.checks[0]?.evidence as { files: { file: string; lines: { covered: number; total: number } }[] }).files;
    const tokenService = files.find((f) => f.file === 'src/modules/auth/token-service.ts');
    expect(tokenService?.lines.covered).toBeGreaterThan(0);
    expect(files.some((f) => f.file.startsWith('src/flaws/'))).toBe(false); // excluded by the config
    expect(coverage?.metrics['coverage.lines']).toBeGreaterThan(0);
    await expect(stat(path.join(dir, 'coverage', 'lcov-report', 'index.html'))).resolves.toBeTruthy();

    if (!BROWSER) {
      console.warn('SKIPPED the browser check of index.html: no chromium (apt-get install chromium, or set CHROMIUM_BINARY)');
      return;
    }
    const browser = await chromium.launch({
      executablePath: BROWSER,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
      await expect(page.locator('#verdict').innerText()).resolves.toBe('Failed: exit 1');
      for (const id of SECTIONS) {
        const box = await page.locator(`section#${id}`).boundingBox();
        expect(box?.height ?? 0, `section ${id} is drawn`).toBeGreaterThan(30);
        expect(await page.locator(`section#${id} h2`).isVisible(), `section ${id} has a visible heading`).toBe(true);
      }
      await expect(page.locator('#failed .failure h3').allInnerTexts()).resolves.toContainEqual(expect.stringMatching(/alg/i));
      await expect(page.locator('#coverage td', { hasText: 'src/modules/auth/token-service.ts' }).isVisible()).resolves.toBe(true);
      const screenshot = path.join(dir, 'index.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect((await stat(screenshot)).size).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  });
});
