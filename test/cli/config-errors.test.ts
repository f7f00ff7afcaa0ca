import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('config errors at the CLI', () => {
  it('lists a typo and a wrong-typed value in one message and exits 2', async () => {
    const r = await runCli(['run', '--config', 'bad.config.ts']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'GAUNTLET_CONFIG_INVALID: bad.config.ts has 2 errors:',
        '  error: Config option "target.stopTimeoutMs" has the wrong type. It should be a number, but was a string ("5s").',
        '  error: Config option "target.helth" is not known. Did you mean "target.health"?',
        'Fix: Correct the keys above in the config file; every option is listed in README.md#configuration.',
        '',
      ].join('\n'),
    );
  });

  it('says where it looked when there is no config', async () => {
    const r = await runCli(['run', '--config', 'missing.config.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^GAUNTLET_CONFIG_NOT_FOUND: No config file at .*missing\.config\.ts\.\nFix: Check the --config path\.\n$/);
  });

  it('exits 2 with usage help for an unknown command', async () => {
    const r = await runCli(['lint']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GAUNTLET_USAGE');
  });
});
