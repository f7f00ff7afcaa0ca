import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'llm-retry-storm',
  summary: 'The LLM client retries a failing upstream 8 times at once, with no backoff, and its circuit breaker never opens: every client request during an outage hammers the upstream 9 times.',
  caughtBy: 'contract: `contract:upstream:llm:calls` (upstream calls per client request during the outage, and after enough failures for a breaker to open)',
  apply(seams) {
    seams.llmCalls = () => ({ retries: 8, backoffMs: 0, breakerThreshold: Number.MAX_SAFE_INTEGER });
  },
};
