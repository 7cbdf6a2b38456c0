// `--summary-export FILE`: k6's legacy summary-export JSON (k6's js/summary-wrapper.js, oldJSONSummary):
// `{ root_group, metrics }`, where each metric is its values object directly (trends avg/min/med/max/p(90)/
// p(95) in ms, counters count/rate, rates passes/fails/value, gauges value/min/max) plus, when it has
// thresholds, `thresholds: { "<source>": <crossed> }`. k6's boolean is true when the threshold FAILED
// (k6 issue #1498, kept for compatibility), and so is ours. Volley adds its own top-level keys:
// `thresholds` (ThresholdResult[]), `scenarios` (per scenario and step), `diagnoses`.
import { createHash } from 'node:crypto';
import type { CheckFigures, RunSummary, ScenarioFigures } from '../../protocol';
import { METRICS } from '../metrics/catalogue';

/** k6's default summaryTrendStats: the only trend values its export carries. */
const K6_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] as const;

interface LegacyCheck {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function baseName(key: string): string {
  const brace = key.indexOf('{');
  return (brace < 0 ? key : key.slice(0, brace)).trim();
}

function legacyValues(key: string, values: Record<string, number>): Record<string, unknown> {
  const type = (METRICS as Record<string, string>)[baseName(key)];
  switch (type) {
    case 'trend': {
      const out: Record<string, number> = {};
      for (const stat of K6_TREND_STATS) if (values[stat] !== undefined) out[stat] = values[stat];
      return out;
    }
    case 'rate':
      // k6 renames a rate's `rate` to `value` in this format ("sigh...", says its source).
      return { passes: values.passes, fails: values.fails, value: values.rate };
    default:
      return { ...values };
  }
}

/** Checks merged by name, as k6 merges same-named checks of one group. */
function rootGroupChecks(checks: readonly CheckFigures[] | undefined): Record<string, LegacyCheck> {
  const out: Record<string, LegacyCheck> = {};
  for (const c of checks ?? []) {
    const existing = out[c.name];
    if (existing) {
      existing.passes += c.passes;
      existing.fails += c.fails;
      continue;
    }
    const path = `::${c.name}`;
    out[c.name] = { name: c.name, path, id: md5(path), passes: c.passes, fails: c.fails };
  }
  return out;
}

interface LegacyGroup {
  name: string;
  path: string;
  id: string;
  groups: Record<string, LegacyGroup>;
  checks: Record<string, LegacyCheck>;
}

/** k6's nested `root_group.groups`: each group under its parent, its path `::outer::inner`. */
function legacyGroups(scenarios: readonly ScenarioFigures[]): Record<string, LegacyGroup> {
  const root: Record<string, LegacyGroup> = {};
  for (const s of scenarios) {
    for (const g of s.groups ?? []) {
      let level = root;
      let path = '';
      for (const name of g.group.split('::')) {
        path += `::${name}`;
        const group: LegacyGroup = (level[name] ??= { name, path, id: md5(path), groups: {}, checks: {} });
        level = group.groups;
      }
    }
  }
  return root;
}

export function toSummaryExport(summary: RunSummary): Record<string, unknown> {
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [key, values] of Object.entries(summary.metrics)) metrics[key] = legacyValues(key, values);
  for (const t of summary.thresholds) {
    const entry = (metrics[t.key] ??= {});
    const thresholds = ((entry.thresholds as Record<string, boolean> | undefined) ??= {});
    // Several thresholds with the same source on one key: crossed if any is.
    thresholds[t.source] = (thresholds[t.source] ?? false) || !t.ok;
  }
  return {
    root_group: {
      name: '',
      path: '',
      id: md5(''),
      groups: legacyGroups(summary.scenarios),
      checks: rootGroupChecks(summary.checks),
    },
    metrics,
    thresholds: summary.thresholds,
    scenarios: summary.scenarios,
    ...(summary.lifecycle ? { lifecycle: summary.lifecycle } : {}),
    ...(summary.dataExhausted ? { dataExhausted: summary.dataExhausted } : {}),
    diagnoses: summary.diagnoses,
  };
}
