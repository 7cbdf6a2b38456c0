// The end-of-test summary on the terminal, in the layout of k6's (v1) text summary: thresholds with their
// actual values, then the metrics with dotted leaders grouped as k6 groups them, then Volley's own
// per-scenario step table. Only names and numbers are printed, and under a step table each kind of failure's
// latest sample (samples-text.ts), redacted when the run kept it.
import type { CheckFigures, Diagnosis, ErrorClass, RunSummary, ScenarioFigures, ThresholdResult } from '../../protocol';
import { METRICS } from '../metrics/catalogue';
import { aggregationName, parseThresholdExpression } from '../scenario/threshold-expr';
import { k6Bytes, k6Count, k6Duration, k6Number, k6Percent, k6Rate } from '../../format';
import { summarySampleLines } from './samples-text';

export interface TextSummaryOptions {
  color: boolean;
  /** The run file, named where the summary says how to list every failure sample. */
  runFile?: string;
}

const PASS = '✓';
const FAIL = '✗';
const TREND_COLUMNS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] as const;

const enum Ansi {
  Bold = 1,
  Faint = 2,
  Red = 31,
  Green = 32,
  Yellow = 33,
  Cyan = 36,
}

type Decorate = (text: string, ...codes: Ansi[]) => string;

function decorator(color: boolean): Decorate {
  return color ? (text, ...codes) => `\x1b[${codes.join(';')}m${text}\x1b[0m` : (text) => text;
}

/** Display width, ignoring ANSI sequences (µ, ✓ and the like are one column each). */
function width(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

function padEnd(text: string, w: number): string {
  return text + ' '.repeat(Math.max(0, w - width(text)));
}

function baseName(key: string): string {
  const brace = key.indexOf('{');
  return brace < 0 ? key : key.slice(0, brace);
}

type Contains = 'time' | 'data' | 'default';

function containsOf(metric: string): Contains {
  const type = (METRICS as Record<string, string>)[metric];
  if (type === 'trend') return 'time';
  if (metric === 'data_sent' || metric === 'data_received') return 'data';
  return 'default';
}

function humanize(value: number, metric: string): string {
  const type = (METRICS as Record<string, string>)[metric];
  if (type === 'rate') return k6Percent(value);
  switch (containsOf(metric)) {
    case 'time':
      return k6Duration(value);
    case 'data':
      return k6Bytes(value);
    default:
      return k6Number(value);
  }
}

interface MetricLine {
  key: string;
  /** Trend columns, or a value and its extras. */
  trend?: string[];
  value?: string;
  extras?: string[];
}

function metricLine(key: string, values: Record<string, number>): MetricLine {
  const metric = baseName(key);
  const type = (METRICS as Record<string, string>)[metric];
  switch (type) {
    case 'trend':
      return { key, trend: TREND_COLUMNS.map((c) => `${c}=${humanize(values[c] ?? 0, metric)}`) };
    case 'counter':
      return {
        key,
        value: humanize(values.count ?? 0, metric),
        extras: [containsOf(metric) === 'data' ? k6Rate(values.rate ?? 0, 'bytes') : k6Rate(values.rate ?? 0)],
      };
    case 'rate': {
      const passes = values.passes ?? 0;
      const total = passes + (values.fails ?? 0);
      return { key, value: k6Percent(values.rate ?? 0), extras: [`${passes} out of ${total}`] };
    }
    case 'gauge':
      return { key, value: k6Number(values.value ?? 0), extras: [`min=${k6Number(values.min ?? 0)}`, `max=${k6Number(values.max ?? 0)}`] };
    default:
      return { key, value: Object.entries(values).map(([k, v]) => `${k}=${k6Number(v)}`).join(' ') };
  }
}

/** k6's ordering: by metric name, each sub-metric right after its parent. */
function byName(a: string, b: string): number {
  const pa = baseName(a);
  const pb = baseName(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.length === pa.length ? -1 : b.length === pb.length ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function displayName(key: string): string {
  const brace = key.indexOf('{');
  return brace < 0 ? key : `  { ${key.slice(brace + 1, -1)} }`;
}

function sectionOf(key: string): 'CHECKS' | 'HTTP' | 'EXECUTION' | 'NETWORK' | 'OTHER' {
  const m = baseName(key);
  if (m === 'checks') return 'CHECKS';
  if (m.startsWith('http_') || m === 'volley_req_queued') return 'HTTP';
  if (m.startsWith('data_')) return 'NETWORK';
  if (m.startsWith('iteration') || m.endsWith('_iterations') || m === 'vus' || m === 'vus_max' || m === 'group_duration') return 'EXECUTION';
  return 'OTHER';
}

function renderMetricBlock(lines: MetricLine[], nameWidth: number, d: Decorate, indent: string): string[] {
  const trendWidths = TREND_COLUMNS.map((_, i) => Math.max(0, ...lines.filter((l) => l.trend).map((l) => width(l.trend![i]))));
  const valueWidth = Math.max(0, ...lines.filter((l) => l.value !== undefined).map((l) => width(l.value!)));
  const extraWidths = [0, 1].map((i) => Math.max(0, ...lines.map((l) => (l.extras?.[i] !== undefined ? width(l.extras[i]) : 0))));
  return lines.map((l) => {
    const name = displayName(l.key);
    const leader = d('.'.repeat(Math.max(1, nameWidth - width(name) + 3)) + ':', Ansi.Faint);
    let data: string;
    if (l.trend) {
      data = l.trend
        .map((col, i) => {
          const eq = col.indexOf('=');
          return col.slice(0, eq + 1) + padEnd(d(col.slice(eq + 1), Ansi.Cyan), trendWidths[i] - eq - 1);
        })
        .join(' ');
    } else {
      data = padEnd(d(l.value ?? '', Ansi.Cyan), valueWidth);
      const extras = l.extras ?? [];
      if (extras.length > 0) {
        data += ' ' + extras.map((e, i) => (i < extras.length - 1 ? padEnd(d(e, Ansi.Cyan, Ansi.Faint), extraWidths[i]) : d(e, Ansi.Cyan, Ansi.Faint))).join(' ');
      }
    }
    return `${indent}${name}${leader} ${data}`.trimEnd();
  });
}

function checkLines(checks: readonly CheckFigures[], d: Decorate, indent: string): string[] {
  const merged = new Map<string, { passes: number; fails: number }>();
  for (const c of checks) {
    const m = merged.get(c.name) ?? { passes: 0, fails: 0 };
    m.passes += c.passes;
    m.fails += c.fails;
    merged.set(c.name, m);
  }
  const out: string[] = [];
  for (const [name, c] of merged) {
    if (c.fails === 0) {
      out.push(d(`${indent}${PASS} ${name}`, Ansi.Green));
    } else {
      const pct = Math.floor((100 * c.passes) / (c.passes + c.fails));
      out.push(d(`${indent}${FAIL} ${name}\n${indent} ↳  ${pct}% — ${PASS} ${c.passes} / ${FAIL} ${c.fails}`, Ansi.Red));
    }
  }
  return out;
}

/** `p(95)=148.21ms` for a threshold's actual value, in the unit of its metric and aggregation. */
function thresholdActual(t: ThresholdResult): string {
  const parsed = parseThresholdExpression(t.source);
  const agg = parsed.ok ? aggregationName(parsed.aggregation) : t.source.replace(/\s*[<>=!].*$/, '');
  if (t.actual === undefined) return `${agg}=— (no samples)`;
  const type = (METRICS as Record<string, string>)[t.metric];
  let value: string;
  if (type === 'counter' && agg === 'rate') value = containsOf(t.metric) === 'data' ? k6Rate(t.actual, 'bytes') : k6Rate(t.actual);
  else value = humanize(t.actual, t.metric);
  return `${agg}=${value}`;
}

function thresholdSection(results: readonly ThresholdResult[], d: Decorate): string[] {
  const out: string[] = [`  █ ${d('THRESHOLDS', Ansi.Bold)}`, ''];
  const byKey = new Map<string, ThresholdResult[]>();
  for (const r of results) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  for (const [key, rs] of byKey) {
    out.push(`    ${key}`);
    for (const r of rs) {
      const mark = r.ok ? d(PASS, Ansi.Green) : d(FAIL, Ansi.Red);
      const aborted = r.abortedRun ? d(' (ended the run: abortOnFail)', Ansi.Red) : '';
      out.push(`    ${mark} '${r.source}' ${thresholdActual(r)}${aborted}`);
    }
    out.push('');
  }
  return out;
}

function topErrors(errors: Partial<Record<ErrorClass, number>>, limit: number): string {
  const entries = (Object.entries(errors) as Array<[ErrorClass, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '-';
  const shown = entries.slice(0, limit).map(([cls, n]) => `${cls} ${n}`);
  if (entries.length > limit) shown.push(`+${entries.length - limit} more`);
  return shown.join(', ');
}

function table(rows: string[][], align: Array<'l' | 'r'>, indent: string): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => width(r[i]))));
  return rows.map((r) =>
    (indent + r.map((cell, i) => (align[i] === 'r' ? ' '.repeat(widths[i] - width(cell)) + cell : padEnd(cell, widths[i]))).join('  ')).trimEnd(),
  );
}

function scenarioSection(s: ScenarioFigures, durationMs: number, d: Decorate): string[] {
  const seconds = durationMs / 1000;
  const perSecond = (n: number): string => (seconds > 0 ? k6Number(n / seconds, 2) : '0');
  const facts = [
    `${s.iterations} iterations (${perSecond(s.iterations)}/s)`,
    s.dropped > 0 ? d(`${s.dropped} dropped`, Ansi.Red) : '0 dropped',
    s.interrupted > 0 ? d(`${s.interrupted} interrupted`, Ansi.Red) : '0 interrupted',
  ];
  if (s.vusAllocated > 0) facts.push(`VUs peak ${s.vusActive} active / ${s.vusAllocated} allocated`);
  if (s.iterationDuration.count > 0) facts.push(`iteration p95 ${k6Duration(s.iterationDuration.p95)}`);
  if (s.lateness.count > 0 && s.lateness.p95 > 0) facts.push(`start lateness p95 ${k6Duration(s.lateness.p95)}`);
  return [`  █ ${d(`SCENARIO: ${s.scenario}`, Ansi.Bold)}`, '', `    ${facts.join(' · ')}`, '', ...stepTable(s, perSecond, d), ...groupTable(s, d)];
}

/** k6's group_duration per `group:` of the flow: how long a pass through it took. */
function groupTable(s: ScenarioFigures, d: Decorate): string[] {
  const groups = s.groups ?? [];
  if (groups.length === 0) return [];
  const header = ['group', 'passes', 'avg', 'p50', 'p95', 'p99', 'max'];
  const rows = groups.map((g) => {
    const t = g.duration;
    const has = t.count > 0;
    const ms = (v: number): string => (has ? k6Duration(v) : '-');
    return [g.group, k6Count(t.count), ms(t.avg), ms(t.med), ms(t.p95), ms(t.p99), ms(t.max)];
  });
  const lines = table([header, ...rows], ['l', 'r', 'r', 'r', 'r', 'r', 'r'], '    ');
  return [d(lines[0], Ansi.Faint), ...lines.slice(1), ''];
}

/** `setup:` or `teardown:`, apart from the scenarios: its steps' requests, run once. */
function lifecycleSection(s: ScenarioFigures, d: Decorate): string[] {
  return [`  █ ${d(s.scenario.toUpperCase(), Ansi.Bold)}`, '', ...stepTable(s, () => '-', d)];
}

function stepTable(s: ScenarioFigures, perSecond: (n: number) => string, d: Decorate): string[] {
  const out: string[] = [];
  if (s.steps.length > 0) {
    const header = ['step', 'requests', 'failed', 'p50', 'p95', 'p99', 'req/s', 'errors'];
    const rows = s.steps.map((st) => {
      const failedPct = st.requests > 0 ? k6Percent(st.failed / st.requests) : '-';
      const has = st.duration.count > 0;
      return [
        st.step,
        k6Count(st.requests),
        st.failed > 0 ? d(failedPct, Ansi.Red) : failedPct,
        has ? k6Duration(st.duration.med) : '-',
        has ? k6Duration(st.duration.p95) : '-',
        has ? k6Duration(st.duration.p99) : '-',
        perSecond(st.requests),
        topErrors(st.errors, 3),
      ];
    });
    const lines = table([header, ...rows], ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], '    ');
    out.push(d(lines[0], Ansi.Faint), ...lines.slice(1), '');
  }
  return out;
}

const SEVERITY_MARK: Record<Diagnosis['severity'], { mark: string; color: Ansi }> = {
  error: { mark: FAIL, color: Ansi.Red },
  warning: { mark: '!', color: Ansi.Yellow },
  info: { mark: 'i', color: Ansi.Cyan },
};

/** Words into lines of at most `columns` characters (a longer word keeps its own line). */
function wrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function evidenceText(evidence: Diagnosis['evidence']): string {
  return Object.entries(evidence)
    .map(([key, value]) => `${key}=${value}`)
    .join(' · ');
}

/** Why the run behaved as it did: each diagnosis with its evidence, explanation and fix (fix lines kept as written). */
function diagnosesSection(diagnoses: readonly Diagnosis[], d: Decorate): string[] {
  const out: string[] = [`  █ ${d('DIAGNOSES', Ansi.Bold)}`, ''];
  const indent = '        ';
  for (const diagnosis of diagnoses) {
    const { mark, color } = SEVERITY_MARK[diagnosis.severity];
    const where = [diagnosis.scenario, diagnosis.step].filter((x) => x !== undefined).join(' / ');
    out.push(`    ${d(`${mark} ${diagnosis.severity}`, color)} ${d(diagnosis.title, Ansi.Bold)}${where ? d(` [${where}]`, Ansi.Faint) : ''} ${d(`(${diagnosis.id})`, Ansi.Faint)}`);
    out.push(...wrap(evidenceText(diagnosis.evidence), 96).map((line, i) => d(`${indent}${i === 0 ? 'evidence: ' : '          '}${line}`, Ansi.Faint)));
    out.push(...wrap(diagnosis.explanation, 96).map((line) => `${indent}${line}`));
    const [first = '', ...rest] = diagnosis.fix.split('\n');
    out.push(...wrap(first, 91).map((line, i) => `${indent}${i === 0 ? d('fix:', Ansi.Bold) + ' ' : '     '}${line}`));
    for (const line of rest) out.push(`${indent}     ${line}`);
    out.push('');
  }
  return out;
}

const OUTCOME_TEXT: Record<Exclude<RunSummary['outcome'], 'completed'>, string> = {
  stopped: 'the run was stopped before its end',
  'aborted-by-threshold': 'a threshold with abortOnFail ended the run',
  interrupted: 'the run was interrupted',
};

export function formatTextSummary(summary: RunSummary, options: TextSummaryOptions): string {
  const d = decorator(options.color);
  const out: string[] = [''];
  if (summary.outcome !== 'completed') out.push(`  ${d(`${FAIL} ${OUTCOME_TEXT[summary.outcome]} (after ${k6Duration(summary.durationMs)})`, Ansi.Red)}`, '');
  if (summary.thresholds.length > 0) out.push(...thresholdSection(summary.thresholds, d));

  out.push(`  █ ${d('TOTAL RESULTS', Ansi.Bold)}`, '');
  const keys = Object.keys(summary.metrics).sort(byName);
  const nameWidth = Math.max(0, ...keys.map((k) => width(displayName(k))));
  const sections = ['CHECKS', 'HTTP', 'EXECUTION', 'NETWORK', 'OTHER'] as const;
  for (const section of sections) {
    const inSection = keys.filter((k) => sectionOf(k) === section);
    const checks = section === 'CHECKS' ? (summary.checks ?? []) : [];
    if (inSection.length === 0 && checks.length === 0) continue;
    if (section !== 'CHECKS') out.push(`    ${section}`);
    out.push(...renderMetricBlock(inSection.map((k) => metricLine(k, summary.metrics[k])), nameWidth, d, '    '));
    if (checks.length > 0) out.push('', ...checkLines(checks, d, '    '));
    out.push('');
  }
  if (keys.length === 0) out.push('    no samples were recorded', '');

  for (const s of summary.scenarios) out.push(...scenarioSection(s, summary.durationMs, d), ...summarySampleLines(summary.failureSamples, s.scenario, options.runFile));
  for (const s of summary.lifecycle ?? []) out.push(...lifecycleSection(s, d));
  for (const e of summary.dataExhausted ?? []) {
    const scenarios = e.scenarios.map((s) => `"${s}"`).join(', ');
    out.push(`  ${d(`! data set ${e.dataSet}: all ${e.rows} unique rows were used; scenario ${scenarios} started no more iterations`, Ansi.Yellow)}`, '');
  }
  if (summary.diagnoses.length > 0) out.push(...diagnosesSection(summary.diagnoses, d));
  return out.join('\n') + '\n';
}
