import { AuthFlowError } from '../../http/session.ts';
import { setNoAnswerPolicy } from '../../http/send.ts';
import { hangCheck, hangPolicy } from '../contract/_hang.ts';
import { mayTarget } from '../../net/loopback.ts';
import { loadDocument } from '../../openapi/document.ts';
import { treatAsPublic } from '../../openapi/validate.ts';
import { basePathOf, listOperations } from '../../openapi/operations.ts';
import { runJUnitSuite } from '../_junit-suite.ts';
import type { Stage, StageContext, StageOutcome } from '../types.ts';
import { endsSession, findProbe } from '../../openapi/plan.ts';
import { anonymousActor, SecurityRun, type Actor } from './_run.ts';
import { authenticationChecks } from './authentication.ts';
import { authorizationChecks } from './authorization.ts';
import { exposureChecks } from './exposure.ts';
import { hardeningChecks } from './hardening.ts';
import { injectionChecks } from './injection.ts';
import { rateLimitChecks } from './rate-limits.ts';

/**
 * The security stage: authentication lifecycle, authorization between users, injection, rate
 * limits and hardening, against any target described by its config and OpenAPI document. Every
 * check is named (security:<group>:<what>) and carries a curl reproduction when it fails.
 */
export const securityStage: Stage = {
  name: 'security',
  description: 'auth lifecycle, authorization between users, injection, rate limits, hardening',
  async run(context: StageContext): Promise<StageOutcome> {
    try {
      return await runSecurity(context);
    } finally {
      setNoAnswerPolicy(undefined);
    }
  },
};

async function runSecurity(context: StageContext): Promise<StageOutcome> {
    const { config, target } = context;
    const location = config.target.openapi;
    if (!location) return { status: 'skipped', reason: 'no target.openapi in gauntlet.config.ts: the security stage finds operations and their security requirements there', checks: [] };
    const settings = config.stages.security;
    if (!mayTarget(target.url, config.environment.external.loadAllowlist)) {
      return { status: 'skipped', reason: `the target ${target.url} is not on loopback: attack payloads and rate-limit floods go only to loopback or to a host in environment.external.loadAllowlist`, checks: [] };
    }
    const document = await loadDocument(location, target.url);
    treatAsPublic(target.url);
    const operations = listOperations(document.doc, basePathOf(document.doc, location.basePath)).filter((op) => !settings.skip.includes(op.id));
    if (settings.probe && !operations.some((op) => op.id === settings.probe)) {
      const message = `stages.security.probe "${settings.probe}" is not an operation of the OpenAPI document: use "METHOD /path" exactly as the document has it (e.g. "GET /me")`;
      return { status: 'failed', reason: message, checks: [{ id: 'security:config', stage: 'security', title: 'stages.security names operations of the document', status: 'failed', message }] };
    }
    const run = new SecurityRun(context, operations, findProbe(operations, settings.probe), document.doc.openapi);
    // A request without an answer in time is its operation's finding (security:<op>:hang), never the stage's end.
    setNoAnswerPolicy(hangPolicy(operations, (op, request, ms) => run.add(hangCheck('security', op, request, ms))));

    // Limits keyed by user or account run alongside the rest (each has its own fresh user, and the
    // waits for their windows to reset would otherwise dominate the stage's time); limits keyed by
    // IP count every request from this machine, so they run after everything else, alone.
    // Handled at once (settled to its error): a rejection while the other checks run must not go
    // unhandled (which ends the process), and is rethrown after them.
    const limits = rateLimitChecks(run, ['user', 'account']).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    try {
      if (config.target.auth) {
        let actors: [Actor, Actor] | undefined;
        try {
          actors = [await run.actor('owner'), await run.actor('other')];
        } catch (error) {
          if (!(error instanceof AuthFlowError)) throw error;
          run.verdict('security:auth:flow', 'test users register and log in through target.auth', [`${error.message}\nFix: check target.auth (paths, body templates, token.path) against the API.`]);
        }
        if (actors) {
          const [owner, other] = actors;
          // A probe on a resource ("GET /accounts/{id}") reads one of the first user's.
          run.probeStore = owner.store;
          await authenticationChecks(run, owner);
          await authorizationChecks(run, owner, other);
          await exposureChecks(run, owner, other);
          await injectionChecks(run, other, run.userOperations());
          // What only an admin may call is attacked as the admin: as the user it never reaches the code.
          const admin = await run.adminActor();
          if (admin) await injectionChecks(run, admin, run.adminOperations().filter((op) => !run.isAuthOperation(op) && !endsSession(op)));
          else if (run.adminOperations().length > 0) run.skip('security:injection:admin', 'the admin-only operations withstand injection', 'no admin identity: set stages.security.admin.credentials so the admin-only operations are sent as an admin, who reaches their code');
          await hardeningChecks(run, owner);
        }
      } else {
        run.skip('security:auth', 'authentication and authorization between users', 'no target.auth: configure how a test user registers and logs in to check them');
        const anonymous = anonymousActor();
        await injectionChecks(run, anonymous, run.userOperations());
        await hardeningChecks(run, anonymous);
      }
    } finally {
      const failed = await limits;
      if (failed) throw failed.error;
    }
    await rateLimitChecks(run, ['ip']);
    if (settings.tests) {
      // Hand-written security tests (security/): they reuse this environment through GAUNTLET_CONTEXT.
      for (const check of (await runJUnitSuite('security', settings.tests, { env: { GAUNTLET_CONTEXT: JSON.stringify(context.gauntlet), GAUNTLET_TARGET_URL: target.url }, reportsDir: context.config.reportsDir })).checks) run.add(check);
    }
    run.answersChecks();
    return finish(run);
}

function finish(run: SecurityRun): StageOutcome {
  const failed = run.checks.filter((c) => c.status === 'failed').length;
  const passed = run.checks.filter((c) => c.status === 'passed').length;
  return { status: failed > 0 ? 'failed' : 'passed', checks: run.checks, metrics: { requests: run.requests, 'security.checks.passed': passed, 'security.checks.failed': failed } };
}
