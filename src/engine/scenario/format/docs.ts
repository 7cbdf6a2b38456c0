// The markdown hover and completion show for what is not a key: built-ins, helpers, metrics and threshold
// expressions, written from the description (schema.ts and this folder) so the editor and
// docs/scenario-format.md say the same thing.
import { METRIC_DESCRIPTIONS } from '../../metrics/descriptions';
import { METRICS, TEMPLATE_BUILTIN_DESCRIPTIONS, TEMPLATE_HELPER_DESCRIPTIONS, type MetricName } from '../schema';
import { metricType } from '../threshold-expr';
import { METRIC_TYPE_DESCRIPTIONS } from './metric-types';

const K6 = 'https://grafana.com/docs/k6/latest';
export const METRICS_LINK = `${K6}/using-k6/metrics/reference/`;
export const THRESHOLDS_LINK = `${K6}/using-k6/thresholds/`;

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

/** `**vu**: number — the VU's number, …`; for `env`, the variable read (`env.TOKEN`) when known. */
export function builtinDoc(name: string, envName?: string): string | undefined {
  const builtin = TEMPLATE_BUILTIN_DESCRIPTIONS.find((b) => b.name === name);
  if (!builtin) return undefined;
  const title = name === 'env' ? `env.${envName ?? 'NAME'}` : name;
  return `**${title}**: ${builtin.type} — ${lowerFirst(builtin.doc)}`;
}

export function helperDoc(name: string): string | undefined {
  const helper = TEMPLATE_HELPER_DESCRIPTIONS.find((h) => h.name === name);
  return helper ? `\`\`\`\n${helper.signature}\n\`\`\`\n${helper.doc}` : undefined;
}

/** A metric's own sentence, with its unit where the type has one ("In milliseconds."). */
function metricMeaning(metric: MetricName): string {
  const type = METRIC_TYPE_DESCRIPTIONS[METRICS[metric]];
  return METRIC_DESCRIPTIONS[metric] + (type.symbol ? ` In ${type.unit}.` : '');
}

export function metricDoc(metric: string): string | undefined {
  const type = metricType(metric);
  if (type === undefined) return undefined;
  const aggregations = METRIC_TYPE_DESCRIPTIONS[type].suggestions.map((a) => `\`${a.label}\``).join(', ');
  return [
    `**${metric}** (${type})`,
    '',
    metricMeaning(metric as MetricName),
    '',
    `Threshold aggregations: ${aggregations}.`,
    '',
    `[k6 docs](${METRICS_LINK})`,
  ].join('\n');
}

/** A threshold key's doc: the metric's, after the tags it keeps (`http_req_duration{step:add to cart}`). */
export function thresholdKeyDoc(metric: string, tags: Readonly<Record<string, string>>): string | undefined {
  const doc = metricDoc(metric);
  const filters = Object.entries(tags);
  if (!doc || filters.length === 0) return doc;
  return `Only the samples of ${filters.map(([k, v]) => `${k} **${v}**`).join(' and ')}.\n\n${doc}`;
}
