import { defineCommand } from 'citty';
import pc from 'picocolors';
import { runDoctorChecks, usableEnvironments } from '../../doctor/checks.ts';

export function doctorCommand(setExit: (code: number) => void) {
  return defineCommand({
    meta: { name: 'doctor', description: 'Report what this machine has for Gauntlet, and the exact fix for anything missing' },
    async run() {
      const checks = await runDoctorChecks();
      const width = Math.max(...checks.map((c) => c.name.length));
      for (const c of checks) {
        const mark = c.ok ? pc.green('✓') : c.required === 'optional' ? pc.yellow('-') : pc.red('✗');
        process.stdout.write(`${mark} ${c.name.padEnd(width)}  ${c.detail}${c.required === 'always' || c.ok ? '' : pc.dim(`  [needed for: ${c.required}]`)}\n`);
        if (!c.ok && c.fix) process.stdout.write(pc.dim(`  ${' '.repeat(width)}  fix: ${c.fix}\n`));
      }
      const envs = usableEnvironments(checks);
      const nodeOk = checks.find((c) => c.name === 'Node.js')?.ok === true;
      const local = envs.filter((e) => e !== 'external');
      process.stdout.write(`\nUsable environments: ${envs.join(', ')}\n`);
      if (!nodeOk || local.length === 0) {
        process.stdout.write(pc.red('Gauntlet cannot provision an environment here: fix one of the items marked ✗ above.\n'));
        setExit(1);
        return;
      }
      process.stdout.write(pc.green(`Ready: \`gauntlet run\` can use the ${local[0]} environment.\n`));
    },
  });
}
