import { check, sleep } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { signIn, type LoadUser } from './lib/auth.ts';
import { maxVus, scenariosFor } from './lib/profiles.ts';
import { promisedThresholds } from './lib/thresholds.ts';

/**
 * companion-api's main flows under load: list conversations, open one, chat, read progress.
 * Gauntlet passes BASE_URL, PROFILE, DATA_FILE (users from the seeded factories) and SUMMARY_FILE
 * (where handleSummary writes the data Gauntlet reads; stdout is never parsed).
 */
const BASE_URL = __ENV.BASE_URL ?? 'http://127.0.0.1:3000';
const ENDPOINTS = ['list-conversations', 'get-conversation', 'post-message', 'progress'];

const users = new SharedArray('users', () => JSON.parse(open(__ENV.DATA_FILE ?? './data.json')).users as LoadUser[]);

const scenarios = scenariosFor(__ENV.PROFILE);

export const options: Options = {
  scenarios,
  thresholds: promisedThresholds(ENDPOINTS),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  setupTimeout: '120s',
};

interface Session {
  headers: Record<string, string>;
  conversationId: string;
}

/** Conversations each user starts with: a list that long makes a per-row query (N+1) show in the latency. */
const CONVERSATIONS_PER_USER = Number(__ENV.CONVERSATIONS_PER_USER ?? '10');

/** One data user per VU the profile reaches signs in once and gets conversations to list (the smoke profile's setup is 2 sign-ins, not 120). */
export function setup(): Session[] {
  return users.slice(0, Math.min(users.length, maxVus(scenarios))).map((user) => {
    const headers = signIn(BASE_URL, user);
    let conversationId = '';
    for (let i = 0; i < CONVERSATIONS_PER_USER; i++) {
      const created = http.post(`${BASE_URL}/conversations`, JSON.stringify({ title: `load ${user.displayName} ${i}` }), { headers, tags: { name: 'create-conversation' } });
      check(created, { 'conversation created': (r) => r.status === 201 });
      conversationId = created.json('id') as string;
    }
    return { headers, conversationId };
  });
}

export default function (sessions: Session[]): void {
  const session = sessions[exec.vu.idInTest % sessions.length] as Session;
  const { headers } = session;
  const list = http.get(`${BASE_URL}/conversations`, { headers, tags: { name: 'list-conversations' } });
  check(list, { 'list answers 200': (r) => r.status === 200 });
  const one = http.get(`${BASE_URL}/conversations/${session.conversationId}`, { headers, tags: { name: 'get-conversation' } });
  check(one, { 'conversation answers 200': (r) => r.status === 200 });
  const message = http.post(`${BASE_URL}/conversations/${session.conversationId}/messages`, JSON.stringify({ content: `checking in, iteration ${exec.scenario.iterationInTest}` }), { headers, tags: { name: 'post-message' } });
  check(message, { 'message answers 201': (r) => r.status === 201 });
  const progress = http.get(`${BASE_URL}/progress`, { headers, tags: { name: 'progress' } });
  check(progress, { 'progress answers 200': (r) => r.status === 200 });
  sleep(1);
}

export function handleSummary(data: object): Record<string, string> {
  return { [__ENV.SUMMARY_FILE ?? 'summary.json']: JSON.stringify(data) };
}
