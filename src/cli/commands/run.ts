import path from 'node:path';
import { defineCommand } from 'citty';
import { STAGE_NAMES } from '../../stages/types.ts';
import { commonArgs, flawEnv, LOAD_PROFILES, loadConfigForCli, parseEnvKind, parseStageList, withLoadProfile, withSeed } from '../_shared.ts';

export function runCommand(setExit: (code: number) => void) {
  return defineCommand({
    meta: { name: 'run', description: 'Provision, start the target, run stages, evaluate gates, write reports (exit 0 pass, 1 gate failed, 2 error)' },
    args: {
      ...commonArgs,
      stages: { type: 'string', description: `Comma-separated stages (default: all: ${STAGE_NAMES.join(',')})` },
      require: { type: 'string', description: 'Comma-separated stages that must run: skipped or not available fails the gate' },
      reports: { type: 'string', description: 'Directory for the reports (default: the config\'s reports.dir)' },
      flaw: { type: 'string', description: "Switch on the target's seeded flaw(s), comma-separated (needs target.flaws in the config)" },
      coverage: { type: 'boolean', default: true, description: 'Measure target.coverage while the stages run (--no-coverage for a run whose stages do not exercise the target as a whole, e.g. load or mutation alone)' },
      seed: { type: 'string', description: 'Seed for all generated data (over stages.*.seed): the same seed sends the same requests' },
      profile: { type: 'string', description: `The load profile (${LOAD_PROFILES.join(', ')}; default: stages.load.profile)` },
    },
    async run({ args }) {
      // The engine is loaded here, not at the top: `gauntlet --help` and `doctor` answer without it.
      const [{ formatRunError }, { runGauntlet }, { ConsoleReporter }, { HtmlReporter }, { JsonReporter }, { JUnitReporter }, { MarkdownReporter }, { guardRun }] = await Promise.all([
        import('../../run/run-error.ts'),
        import('../../run/run-gauntlet.ts'),
        import('../../reporters/console-reporter.ts'),
        import('../../reporters/html-reporter.ts'),
        import('../../reporters/json-reporter.ts'),
        import('../../reporters/junit-reporter.ts'),
        import('../../reporters/markdown-reporter.ts'),
        import('../../reaper/guard.ts'),
      ]);
      const loaded = withSeed(withLoadProfile(await loadConfigForCli(args.config), args.profile), args.seed);
      const config = args.reports ? { ...loaded, reportsDir: path.resolve(args.reports) } : loaded;
      const stages = parseStageList(args.stages, '--stages', STAGE_NAMES);
      const required = parseStageList(args.require, '--require', []);
      const guard = await guardRun('run');
      const result = await runGauntlet({
        config,
        environment: parseEnvKind(args.env, config),
        stages,
        required,
        targetEnv: flawEnv(args.flaw, config),
        coverage: args.coverage !== false,
        reporters: [new ConsoleReporter(), new JsonReporter(config.reportsDir), new JUnitReporter(config.reportsDir), new MarkdownReporter(config.reportsDir), new HtmlReporter(config.reportsDir)],
      }).finally(() => guard.close());
      if (result.error) process.stderr.write(`${formatRunError(result.error)}\n`);
      process.stdout.write(`reports: ${config.reportsDir}/{results.json,junit.xml,summary.md,index.html}\n`);
      setExit(result.exitCode);
    },
  });
}
