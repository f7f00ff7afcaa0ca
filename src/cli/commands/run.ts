import path from 'node:path';
import { defineCommand } from 'citty';
import { STAGE_NAMES } from '../../stages/types.ts';
import { commonArgs, flawEnv, LOAD_PROFILES, loadConfigForCli, parseEnvKind, parseStageList, withLoadProfile, withSeed, withVolume } from '../_shared.ts';

export const RUN_DESCRIPTION = 'Provision, start the target, run stages, evaluate gates, write reports (exit 0 pass, 1 gate failed, 2 error)';
export const BASELINE_DESCRIPTION = 'Run as `gauntlet run` does and accept every finding: write gauntlet.baseline.json (later runs fail only on new findings)';

/** `gauntlet run`, and `gauntlet baseline` (the same run, which writes the baseline and passes unless the run broke). */
export function runCommand(setExit: (code: number) => void, mode: 'run' | 'baseline' = 'run') {
  return defineCommand({
    meta: { name: mode, description: mode === 'run' ? RUN_DESCRIPTION : BASELINE_DESCRIPTION },
    args: {
      ...commonArgs,
      stages: { type: 'string', description: `Comma-separated stages (default: all: ${STAGE_NAMES.join(',')})` },
      require: { type: 'string', description: 'Comma-separated stages that must run: skipped or not available fails the gate' },
      reports: { type: 'string', description: 'Directory for the reports (default: the config\'s reports.dir)' },
      flaw: { type: 'string', description: "Switch on the target's seeded flaw(s), comma-separated (needs target.flaws in the config)" },
      coverage: { type: 'boolean', default: true, description: 'Measure target.coverage while the stages run (--no-coverage for a run whose stages do not exercise the target as a whole, e.g. load or mutation alone)' },
      seed: { type: 'string', description: 'Seed for all generated data (over stages.*.seed): the same seed sends the same requests' },
      profile: { type: 'string', description: `The load profile (${LOAD_PROFILES.join(', ')}; default: stages.load.profile)` },
      volume: { type: 'boolean', description: 'Grow the data to each size of stages.load.volume and run the load profile at each (the nightly volume profile)' },
      baseline: { type: 'string', description: 'The accepted findings (default: gauntlet.baseline.json beside the config, when it exists): only new findings fail' },
      ...(mode === 'run' ? { 'update-baseline': { type: 'boolean', description: "Accept this run's findings: rewrite the baseline file with them (reasons already given are kept)" } } : {}),
    },
    async run({ args }) {
      // The engine is loaded here, not at the top: `gauntlet --help` and `doctor` answer without it.
      const [{ formatRunError }, { runGauntlet }, { ConsoleReporter }, { HtmlReporter }, { JsonReporter }, { JUnitReporter }, { MarkdownReporter }, { SarifReporter }, { guardRun }] = await Promise.all([
        import('../../run/run-error.ts'),
        import('../../run/run-gauntlet.ts'),
        import('../../reporters/console-reporter.ts'),
        import('../../reporters/html-reporter.ts'),
        import('../../reporters/json-reporter.ts'),
        import('../../reporters/junit-reporter.ts'),
        import('../../reporters/markdown-reporter.ts'),
        import('../../reporters/sarif-reporter.ts'),
        import('../../reaper/guard.ts'),
      ]);
      const loaded = withSeed(withVolume(withLoadProfile(await loadConfigForCli(args.config), args.profile), args.volume), args.seed);
      const config = args.reports ? { ...loaded, reportsDir: path.resolve(args.reports) } : loaded;
      const stages = parseStageList(args.stages, '--stages', STAGE_NAMES);
      const required = parseStageList(args.require, '--require', []);
      const { baselineFile, readBaseline } = await import('../../baseline/baseline.ts');
      const file = baselineFile(config.rootDir, args.baseline);
      const baseline = { file, previous: await readBaseline(file), update: mode === 'baseline' || (args as { 'update-baseline'?: boolean })['update-baseline'] === true };
      const guard = await guardRun(mode);
      const result = await runGauntlet({
        config,
        environment: parseEnvKind(args.env, config),
        stages,
        required,
        targetEnv: flawEnv(args.flaw, config),
        coverage: args.coverage !== false,
        baseline,
        reporters: [new ConsoleReporter(), new JsonReporter(config.reportsDir), new JUnitReporter(config.reportsDir), new MarkdownReporter(config.reportsDir), new HtmlReporter(config.reportsDir), new SarifReporter(config.reportsDir)],
      }).finally(() => guard.close());
      if (result.error) process.stderr.write(`${formatRunError(result.error)}\n`);
      process.stdout.write(`reports: ${config.reportsDir}/{results.json,junit.xml,summary.md,index.html,gauntlet.sarif}\n`);
      if (result.baseline?.written) process.stdout.write(`baseline: ${result.baseline.file} holds ${result.baseline.known} accepted finding(s); commit it, and say in each "reason" why it is accepted\n`);
      // `gauntlet baseline` accepts what it found: a failed gate is no failure of the command (a broken run still is).
      setExit(mode === 'baseline' && result.exitCode === 1 ? 0 : result.exitCode);
    },
  });
}
