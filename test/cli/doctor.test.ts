import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('gauntlet doctor', () => {
  it('exits 0 on this machine and names what is present, with versions', async () => {
    const r = await runCli(['doctor']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ Node\.js\s+v\d+\.\d+\.\d+/);
    expect(r.stdout).toMatch(/✓ postgres \(server\)\s+postgres \(PostgreSQL\) \d+/);
    expect(r.stdout).toMatch(/✓ initdb\s+initdb \(PostgreSQL\) \d+/);
    expect(r.stdout).toMatch(/✓ redis-server\s+Redis server v=\d+/);
    expect(r.stdout).toMatch(/Usable environments: native/);
  });

  it('gives the exact fix for what is missing (k6 pointed at a path that does not exist)', async () => {
    const r = await runCli(['doctor'], { env: { K6_BINARY: '/nonexistent/k6' } });
    expect(r.code).toBe(0); // k6 is optional
    expect(r.stdout).toMatch(/- k6\s+\/nonexistent\/k6 does not run/);
    expect(r.stdout).toContain('fix: Install k6');
  });

  it('exits 1 when no environment can be provisioned (no binaries, no Docker)', async () => {
    const r = await runCli(['doctor'], { env: { PATH: '/nonexistent', DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ redis-server\s+not found/);
    expect(r.stdout).toContain('fix: Install Redis');
    expect(r.stdout).toContain('Gauntlet cannot provision an environment here');
  });
});
