// Markdown the server shows that the schema does not hold: metrics, template built-ins and helpers,
// threshold aggregations, and what a duration means in milliseconds.
import { METRICS, type MetricType } from '../engine/metrics/catalogue';
import { METRIC_DESCRIPTIONS } from '../engine/metrics/descriptions';
import { TEMPLATE_HELPERS } from '../engine/scenario/template';
import { parseDuration } from '../engine/scenario/duration';

const K6 = 'https://grafana.com/docs/k6/latest';
const METRICS_LINK = `${K6}/using-k6/metrics/reference/`;


export function metricTypeOf(metric: string): MetricType | undefined {
  return Object.hasOwn(METRICS, metric) ? (METRICS[metric as keyof typeof METRICS] as MetricType) : undefined;
}

export function metricDoc(metric: string): string | undefined {
  const type = metricTypeOf(metric);
  if (type === undefined) return undefined;
  const aggregations = AGGREGATIONS[type].map((a) => `\`${a.label}\``).join(', ');
  return [
    `**${metric}** (${type})`,
    '',
    METRIC_DESCRIPTIONS[metric as keyof typeof METRICS] + (type === 'trend' ? ' In milliseconds.' : ''),
    '',
    `Threshold aggregations: ${aggregations}.`,
    '',
    `[k6 docs](${METRICS_LINK})`,
  ].join('\n');
}

export interface AggregationSuggestion {
  label: string;
  /** Snippet text. */
  insert: string;
  doc: string;
}

/** Threshold expressions per metric type, the usual comparison first. */
export const AGGREGATIONS: Record<MetricType, AggregationSuggestion[]> = {
  trend: [
    { label: 'p(95)<', insert: 'p(95)<${1:500}', doc: '95% of the values are below the number (ms).' },
    { label: 'p(99)<', insert: 'p(99)<${1:1000}', doc: '99% of the values are below the number (ms).' },
    { label: 'p(90)<', insert: 'p(90)<${1:400}', doc: '90% of the values are below the number (ms).' },
    { label: 'avg<', insert: 'avg<${1:200}', doc: 'The mean is below the number (ms).' },
    { label: 'med<', insert: 'med<${1:200}', doc: 'The median is below the number (ms).' },
    { label: 'max<', insert: 'max<${1:2000}', doc: 'Every value is below the number (ms).' },
    { label: 'min<', insert: 'min<${1:100}', doc: 'The smallest value is below the number (ms).' },
  ],
  rate: [
    { label: 'rate<', insert: 'rate<${1:0.01}', doc: 'The share of non-zero values is below the number (0 to 1).' },
    { label: 'rate>', insert: 'rate>${1:0.99}', doc: 'The share of non-zero values is above the number (0 to 1).' },
  ],
  counter: [
    { label: 'count==', insert: 'count==${1:0}', doc: 'The total equals the number.' },
    { label: 'count<', insert: 'count<${1:100}', doc: 'The total is below the number.' },
    { label: 'rate>', insert: 'rate>${1:100}', doc: 'The total per second is above the number.' },
    { label: 'rate<', insert: 'rate<${1:100}', doc: 'The total per second is below the number.' },
  ],
  gauge: [{ label: 'value<', insert: 'value<${1:100}', doc: 'The last value is below the number.' }],
};

export const BUILTIN_DOCS: Record<string, string> = {
  vu: '**vu**: number — the VU\'s id, from 1 (k6\'s `__VU`).',
  iteration: '**iteration**: number — the VU\'s iteration count in this scenario, from 0 (k6\'s `__ITER`).',
  scenario: '**scenario**: string — the name of the running scenario.',
  env: '**env.NAME**: string — an environment variable of the process running the test (k6\'s `__ENV`). Values read from `env` are treated as secrets and never logged.',
};

export function helperDoc(name: string): string | undefined {
  const helper = TEMPLATE_HELPERS.find((h) => h.name === name);
  return helper ? `\`\`\`\n${helper.signature}\n\`\`\`\n${helper.doc}` : undefined;
}

/** A duration's meaning in milliseconds, e.g. `1m30s` → "90 000 ms (1.5 min)". */
export function durationDoc(text: string): string | undefined {
  const parsed = parseDuration(text);
  if (!parsed.ok) return undefined;
  const ms = parsed.ms;
  const parts = [`\`${text}\` = ${formatNumber(ms)} ms`];
  if (ms >= 60_000) parts.push(`(${formatNumber(ms / 60_000)} min)`);
  else if (ms >= 1000) parts.push(`(${formatNumber(ms / 1000)} s)`);
  return parts.join(' ');
}

export function formatNumber(n: number): string {
  const rounded = Math.round(n * 1000) / 1000;
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 3 }).replace(/,/g, '\u202f');
}

export const DURATION_SUGGESTIONS = ['1s', '10s', '30s', '1m', '5m', '500ms', '100ms', '2m30s', '10m', '1h'];
