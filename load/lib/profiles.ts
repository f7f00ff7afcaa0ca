import type { Options } from 'k6/options';

/**
 * The load profiles, as k6 scenarios. Every one is bounded in VUs and time; PROFILE picks one.
 * Our users promise 100+ concurrent users: `load` holds 100 VUs, `stress` and `spike` go beyond.
 */
export const PROFILES: Record<string, NonNullable<Options['scenarios']>> = {
  smoke: { smoke: { executor: 'constant-vus', vus: 2, duration: '15s' } },
  load: {
    load: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '30s', target: 100 }, { duration: '2m', target: 100 }, { duration: '30s', target: 0 }], gracefulRampDown: '10s' },
  },
  stress: {
    stress: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1m', target: 100 }, { duration: '2m', target: 200 }, { duration: '2m', target: 300 }, { duration: '1m', target: 0 }], gracefulRampDown: '10s' },
  },
  spike: {
    spike: { executor: 'ramping-vus', startVUs: 10, stages: [{ duration: '20s', target: 10 }, { duration: '10s', target: 400 }, { duration: '1m', target: 400 }, { duration: '10s', target: 10 }, { duration: '20s', target: 10 }] },
  },
  soak: { soak: { executor: 'constant-vus', vus: 100, duration: '30m' } },
};

export function scenariosFor(profile: string | undefined): NonNullable<Options['scenarios']> {
  const chosen = PROFILES[profile ?? 'smoke'];
  if (!chosen) throw new Error(`unknown PROFILE "${profile}": use one of ${Object.keys(PROFILES).join(', ')}`);
  return chosen;
}

/** The most VUs a profile runs at once: how many users the script's setup needs to sign in. */
export function maxVus(scenarios: NonNullable<Options['scenarios']>): number {
  let most = 1;
  for (const scenario of Object.values(scenarios)) {
    if ('vus' in scenario && typeof scenario.vus === 'number') most = Math.max(most, scenario.vus);
    if ('startVUs' in scenario && typeof scenario.startVUs === 'number') most = Math.max(most, scenario.startVUs);
    if ('stages' in scenario && Array.isArray(scenario.stages)) for (const stage of scenario.stages) most = Math.max(most, stage.target);
  }
  return most;
}
