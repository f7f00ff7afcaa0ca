import { expectStatus, journey, type JourneyKit } from '../../../src/e2e/index.ts';
import type { UpstreamFault } from '../../../src/upstreams/mock-upstream.ts';
import { ensure, signUpSteps, type SignedIn } from './_shared.ts';
import { checkStream } from './streaming.ts';

/**
 * Fault scenarios against the real processes: each injects one fault mid-journey, checks the
 * degradation the API documents (status codes, Retry-After, never a 500; health names the failing
 * dependency), clears it, and measures the recovery (the e2e stage gates the slowest).
 */
interface State extends SignedIn {
  conversationId: string;
  messages: number;
}

const restore = async (k: JourneyKit) => {
  await k.faults.restore();
};

function opening(offset: number) {
  return {
    ...signUpSteps<State>(offset),
    'start a conversation and chat (the baseline works)': async (k: JourneyKit, s: State) => {
      s.conversationId = expectStatus(await k.client.call('createConversation', { session: s.session, body: s.f.conversations.build() }), 201).data.id;
      const r = expectStatus(await k.client.call('sendMessage', { session: s.session, params: { id: s.conversationId }, body: s.f.messages.build() }), 201);
      ensure(!r.data.reply.degraded, 'the baseline reply is already degraded');
      s.messages = 2;
    },
  };
}

const chat = (k: JourneyKit, s: State) => k.client.call('sendMessage', { session: s.session, params: { id: s.conversationId }, body: s.f.messages.build() });

/** True once a message gets a real (not degraded) reply and health reports every dependency up. */
async function fullyWorking(k: JourneyKit, s: State): Promise<true | string> {
  const r = await chat(k, s);
  if (r.status !== 201) return `chat answered ${r.status}`;
  s.messages += 2;
  if (r.data.reply.degraded) return 'the reply is still the degraded fallback';
  const h = await k.health();
  const down = Object.entries(h.dependencies).filter(([, status]) => status !== k.up);
  return down.length === 0 && h.status === 200 ? true : `health ${h.status}: ${down.map(([n, st]) => `${n} ${st}`).join(', ')}`;
}

const DESCRIBE: Record<Exclude<UpstreamFault, 'none' | 'slow'>, string> = {
  error: 'answers 500',
  timeout: 'never answers (timeout)',
  malformed: 'answers malformed JSON',
};

/** The LLM upstream fails in one way; chat degrades to a marked fallback, AI-only features answer 503. */
export function upstreamFaultJourney(fault: Exclude<UpstreamFault, 'none' | 'slow'>, offset: number) {
  const label = `upstream ${DESCRIBE[fault]}`;
  return journey<State>(
    `fault: the LLM upstream ${DESCRIBE[fault]}`,
    () => ({}) as State,
    {
      ...opening(offset),
      [`inject: the LLM ${DESCRIBE[fault]}`]: async (k) => {
        await k.faults.upstream('llm', fault);
      },
      'chat degrades: 201 with the fallback reply marked degraded, never a 500': async (k, s) => {
        const r = await chat(k, s);
        ensure(r.status < 500, `${r.what} answered ${r.status} while the upstream ${DESCRIBE[fault]}: ${r.text.slice(0, 300)}`);
        expectStatus(r, 201);
        ensure(r.data.reply.degraded === true, `the reply is not marked degraded: ${r.text.slice(0, 300)}`);
        s.messages += 2;
      },
      'goal decomposition answers 503 with Retry-After': async (k, s) => {
        const r = expectStatus(await k.client.call('createGoal', { session: s.session, body: s.f.goals.build() }), 503);
        ensure(Number(r.headers['retry-after']) >= 1, `no Retry-After on the 503: ${JSON.stringify(r.headers)}`);
      },
      'health reports the upstream once the circuit opens (and stays 200)': async (k, s) => {
        let h = await k.health();
        for (let i = 0; i < 6 && h.dependencies.upstream === k.up; i++) {
          ensure((await chat(k, s)).status < 500, 'a 500 while the upstream is failing');
          h = await k.health();
        }
        ensure(h.status === 200, `health answered ${h.status}: an upstream failure is degraded service, not down`);
        ensure(h.dependencies.upstream !== k.up, `health still reports the upstream ${k.up}: ${JSON.stringify(h.body)}`);
      },
      'clear the fault: the service recovers fully (measured)': async (k, s) => {
        await k.faults.upstream('llm', 'none');
        await k.recover(label, () => fullyWorking(k, s), { timeoutMs: 30_000, intervalMs: 400 });
      },
    },
    { cleanup: restore },
  );
}

/** A slow stream: every chunk late. The stream must still complete (not cut by a timeout), and be prompt again after. */
export const slowStreamJourney = journey<State>(
  'fault: the LLM streams slowly',
  () => ({}) as State,
  {
    ...opening(14),
    'inject: every chunk of the LLM stream arrives 150 ms late': async (k) => {
      await k.faults.upstream('llm', 'slow', { delayMs: 150 });
    },
    'a slow stream still completes, its tokens as late as the upstream': async (k, s) => {
      const stream = await k.client.stream('streamMessage', { session: s.session, params: { id: s.conversationId }, body: s.f.messages.build() });
      checkStream(stream);
      ensure((stream.ttftMs ?? 0) >= 150, `first token after ${stream.ttftMs} ms although the upstream delays every chunk by 150 ms`);
      s.messages += 2;
    },
    'clear the fault: streams are prompt again (measured)': async (k, s) => {
      await k.faults.upstream('llm', 'none');
      await k.recover('upstream slow stream', async () => {
        const stream = await k.client.stream('streamMessage', { session: s.session, params: { id: s.conversationId }, body: s.f.messages.build() });
        checkStream(stream);
        return (stream.ttftMs ?? Infinity) < 150 || `first token after ${stream.ttftMs} ms`;
      }, { timeoutMs: 30_000, intervalMs: 400 });
    },
  },
  { cleanup: restore },
);

interface ServiceFault {
  service: 'redis' | 'postgres';
  name: string;
  title: string;
  offset: number;
  /** What health must answer while the service is down, and the step that says so. */
  health: { status: number; step: string; why: string };
  /** The closing step: everything from before the fault is still there. */
  after: string;
}

/** A service stopped mid-journey: 503 + Retry-After meanwhile, health names it, full recovery measured, nothing lost. */
function serviceRestartJourney(f: ServiceFault) {
  const dependency = f.service === 'postgres' ? 'database' : f.service;
  return journey<State>(
    f.title,
    () => ({}) as State,
    {
      ...opening(f.offset),
      [`stop ${f.name}`]: async (k) => {
        await k.faults.stop(f.service);
      },
      [`while ${f.name} is down: 503 with Retry-After, never a 500`]: async (k, s) => {
        for (const r of [await chat(k, s), await k.client.call('getConversation', { session: s.session, params: { id: s.conversationId } })]) {
          ensure(r.status === 503, `${r.what} answered ${r.status} while ${f.name} is down, expected 503: ${r.text.slice(0, 300)}`);
          ensure(Number(r.headers['retry-after']) >= 1, `${r.what}: no Retry-After on the 503`);
        }
      },
      [f.health.step]: async (k) => {
        const h = await k.health();
        ensure(h.status === f.health.status, `health answered ${h.status}: ${f.health.why}`);
        ensure(h.dependencies[dependency] !== k.up, `health reports ${dependency} ${h.dependencies[dependency]}: ${JSON.stringify(h.body)}`);
      },
      [`start ${f.name}: the service recovers fully (measured)`]: async (k, s) => {
        await k.faults.start(f.service);
        await k.recover(`${f.service} restarted`, () => fullyWorking(k, s), { timeoutMs: 30_000, intervalMs: 200 });
      },
      [f.after]: async (k, s) => {
        const c = expectStatus(await k.client.call('getConversation', { session: s.session, params: { id: s.conversationId } }), 200);
        ensure(c.data.messages.length === s.messages, `the conversation has ${c.data.messages.length} messages, expected ${s.messages}`);
      },
    },
    { cleanup: restore },
  );
}

export const redisRestartJourney = serviceRestartJourney({
  service: 'redis',
  name: 'Redis',
  title: 'fault: Redis stops mid-journey and comes back',
  offset: 21,
  health: { status: 200, step: 'health stays 200 and reports Redis down', why: 'without Redis the service is degraded, not down' },
  after: 'the journey goes on: same session, same conversation',
});

export const postgresRestartJourney = serviceRestartJourney({
  service: 'postgres',
  name: 'Postgres',
  title: 'fault: Postgres restarts mid-journey',
  offset: 22,
  health: { status: 503, step: 'health answers 503 and names the database', why: 'expected 503 with the database down' },
  after: 'everything written before the restart is still there',
});
