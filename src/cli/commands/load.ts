import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand } from 'citty';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import { k6OperatorManifest } from '../../stages/load/k6-operator.ts';
import { loadUsers } from '../../stages/load/load-users.ts';
import { loadConfigForCli, withLoadProfile } from '../_shared.ts';

/** `gauntlet load --emit k6-operator`: the same script, for a cluster when one machine is not enough. */
export const loadCommand = defineCommand({
  meta: { name: 'load', description: 'Write what runs the load script elsewhere: --emit k6-operator (a TestRun manifest)' },
  args: {
    config: { type: 'string', description: 'Path to the config file (default: gauntlet.config.ts)' },
    emit: { type: 'string', description: 'What to write: k6-operator', required: true },
    parallelism: { type: 'string', description: 'k6 runners that split the load (default 4)' },
    profile: { type: 'string', description: 'Load profile (default: stages.load.profile)' },
    'base-url': { type: 'string', description: 'The target as the cluster reaches it (required: not the loopback URL of a local run)', required: true },
    out: { type: 'string', description: 'Output file (default: stdout)' },
  },
  async run({ args }) {
    if (args.emit !== 'k6-operator') throw new GauntletError('GAUNTLET_USAGE', `--emit ${args.emit} is not supported.`, { fix: 'Use --emit k6-operator (Grafana Cloud k6 runs the same script: k6 cloud run <script>).' });
    const parallelism = Number(args.parallelism ?? '4');
    if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 1_000) throw new GauntletError('GAUNTLET_USAGE', `--parallelism ${args.parallelism} is not a whole number from 1 to 1000.`, { fix: 'Pass e.g. --parallelism 8.' });
    const config = withLoadProfile(await loadConfigForCli(args.config), args.profile);
    const load = config.stages.load;
    if (!load) throw new GauntletError('GAUNTLET_USAGE', 'the config has no stages.load.', { fix: 'Add stages.load ({ script, profile }) to gauntlet.config.ts.' });
    const manifest = await k6OperatorManifest({
      script: load.script,
      name: `${config.target.name}-${load.profile}`,
      parallelism,
      env: { BASE_URL: args['base-url'], PROFILE: load.profile, DATA_FILE: '/test/data.json', ...load.env },
      files: { 'data.json': JSON.stringify({ users: loadUsers(load.data.users, load.data.seed, load.data.user) }) },
    });
    if (args.out) {
      await writeFile(path.resolve(args.out), manifest);
      process.stdout.write(`wrote ${args.out}: kubectl apply -f ${args.out} (needs the k6-operator in the cluster)\n`);
    } else process.stdout.write(manifest);
  },
});
