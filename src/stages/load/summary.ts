import { z } from 'zod';

/**
 * The part of k6's handleSummary data Gauntlet reads (k6 v0.4x–v1.x): metrics with their values and
 * threshold verdicts, and the run duration. Read from the JSON the script's handleSummary writes,
 * never from stdout.
 */
const metric = z.object({
  type: z.enum(['trend', 'rate', 'counter', 'gauge']),
  contains: z.string().optional(),
  values: z.record(z.string(), z.number()),
  thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
});

const summarySchema = z.object({
  state: z.object({ testRunDurationMs: z.number() }).partial().optional(),
  metrics: z.record(z.string(), metric),
});

export type K6Metric = z.infer<typeof metric>;
export type K6Summary = z.infer<typeof summarySchema>;

export class SummaryError extends Error {}

export function parseSummary(text: string, source: string): K6Summary {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SummaryError(`${source} is not JSON (${(error as Error).message}): the script's handleSummary must return { [SUMMARY_FILE]: JSON.stringify(data) }`);
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success) throw new SummaryError(`${source} is not k6 handleSummary data: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export interface Threshold {
  /** The metric key, tags included: `http_req_duration{name:slow}`. */
  metric: string;
  /** As written in the script: `p(95)<200`. */
  expression: string;
  ok: boolean;
  /** Parsed from the expression when it is `<aggregation> <op> <number>`. */
  aggregation?: string;
  operator?: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  limit?: number;
  /** The metric's value of that aggregation, when k6 reported it. */
  actual?: number;
}

const EXPRESSION = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function thresholdsOf(summary: K6Summary): Threshold[] {
  const out: Threshold[] = [];
  for (const [name, m] of Object.entries(summary.metrics)) {
    for (const [expression, { ok }] of Object.entries(m.thresholds ?? {})) {
      const match = EXPRESSION.exec(expression);
      const aggregation = match?.[1];
      out.push({
        metric: name,
        expression,
        ok,
        ...(match ? { aggregation, operator: match[2] as Threshold['operator'], limit: Number(match[3]) } : {}),
        ...(aggregation !== undefined && m.values[aggregation] !== undefined ? { actual: m.values[aggregation] } : {}),
      });
    }
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression));
}

/** The key figures of a run, flat: what history keeps and baselines compare. */
export interface Figures {
  'http_req_duration.med'?: number;
  'http_req_duration.p(90)'?: number;
  'http_req_duration.p(95)'?: number;
  'http_req_duration.p(99)'?: number;
  'http_req_duration.max'?: number;
  'http_reqs.count'?: number;
  'http_reqs.rate'?: number;
  'http_req_failed.rate'?: number;
  'checks.rate'?: number;
  'vus_max.max'?: number;
  durationMs?: number;
  [key: string]: number | undefined;
}

const KEYS: [string, string][] = [
  ['http_req_duration', 'med'],
  ['http_req_duration', 'p(90)'],
  ['http_req_duration', 'p(95)'],
  ['http_req_duration', 'p(99)'],
  ['http_req_duration', 'max'],
  ['http_reqs', 'count'],
  ['http_reqs', 'rate'],
  ['http_req_failed', 'rate'],
  ['checks', 'rate'],
  ['vus_max', 'max'],
];

export function figuresOf(summary: K6Summary): Figures {
  const figures: Figures = {};
  for (const [name, value] of KEYS) {
    const v = summary.metrics[name]?.values[value];
    if (v !== undefined) figures[`${name}.${value}`] = v;
  }
  // Per-endpoint latency (tagged by name): http_req_duration{name:list-conversations}.p(95)
  for (const [name, m] of Object.entries(summary.metrics)) {
    const tagged = /^http_req_duration\{name:([^}]+)\}$/.exec(name);
    if (tagged && m.values['p(95)'] !== undefined) figures[`${name}.p(95)`] = m.values['p(95)'];
  }
  if (summary.state?.testRunDurationMs !== undefined) figures.durationMs = summary.state.testRunDurationMs;
  return figures;
}
