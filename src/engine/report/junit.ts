// `--out junit=FILE`: the run as JUnit XML for a CI system's test tab (Jenkins, GitLab, GitHub reporters),
// valid against Jenkins' junit-10.xsd (test/fixtures/junit-10.xsd). One <testsuite> per scenario file, one
// <testcase> per threshold expression (failed when crossed, with the measured value), and one per doctor
// diagnosis of warning severity or above, as <skipped>: a diagnosis explains the figures, it is no verdict
// of its own (the exit code ignores it), so it is shown without failing the build a second way.
import type { Diagnosis, RunSummary, ThresholdResult } from '../../protocol';
import { k6Duration, k6Number, k6Percent } from '../../format';
import { METRICS } from '../metrics/catalogue';
import { parseMetricKey } from '../scenario/threshold-expr';
import { ensureParentDir } from '../output/ensure-dir';
import { writeFileSync } from 'node:fs';

export interface JunitInput {
  /** The scenario file, as the run was given it: the suite's name. */
  file: string;
  summary: RunSummary;
}

/** XML 1.0 forbids most control characters even escaped; the rest are escaped for attributes and text. */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');
}

function attributes(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xml(String(v))}"`)
    .join('');
}

function measured(t: ThresholdResult): string {
  if (t.actual === undefined) return 'no samples';
  const type = (METRICS as Record<string, string>)[t.metric];
  if (type === 'trend') return k6Duration(t.actual);
  if (type === 'rate') return k6Percent(t.actual);
  return k6Number(t.actual);
}

/** A `group` tag (flow control's `group:`), as the testcase's group attribute. */
export function groupOfKey(key: string): string | undefined {
  const parsed = parseMetricKey(key);
  return parsed.ok ? parsed.tags.group : undefined;
}

function thresholdCase(t: ThresholdResult): string {
  const attrs = attributes({ name: `${t.key}: ${t.source}`, classname: 'thresholds', group: groupOfKey(t.key) });
  if (t.ok) return `    <testcase${attrs}/>`;
  const message = `${t.source} crossed: measured ${measured(t)}${t.abortedRun ? ' (abortOnFail ended the run)' : ''}`;
  return `    <testcase${attrs}>\n      <failure${attributes({ type: 'threshold', message })}>${xml(`${t.key}: ${message}`)}</failure>\n    </testcase>`;
}

function diagnosisCase(d: Diagnosis): string {
  const where = [d.scenario, d.step].filter((part) => part !== undefined).join(' › ');
  const attrs = attributes({ name: `${d.severity}: ${d.title}${where ? ` [${where}]` : ''}`, classname: 'doctor' });
  const evidence = Object.entries(d.evidence).map(([k, v]) => `${k}: ${v}`).join(', ');
  const text = `${d.explanation}\nFix: ${d.fix}${evidence ? `\nEvidence: ${evidence}` : ''}`;
  return `    <testcase${attrs}>\n      <skipped${attributes({ type: d.id, message: d.fix })}>${xml(text)}</skipped>\n    </testcase>`;
}

export function formatJunit({ file, summary }: JunitInput): string {
  const diagnoses = summary.diagnoses.filter((d) => d.severity === 'warning' || d.severity === 'error');
  const failures = summary.thresholds.filter((t) => !t.ok).length;
  const tests = summary.thresholds.length + diagnoses.length;
  const time = (summary.durationMs / 1000).toFixed(3);
  const properties = [
    ['runId', summary.runId],
    ['outcome', summary.outcome],
  ].map(([name, value]) => `      <property${attributes({ name, value })}/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'volley', tests, failures, errors: 0, time })}>`,
    `  <testsuite${attributes({ name: file, tests, failures, errors: 0, skipped: diagnoses.length, time, timestamp: summary.startedAt, file })}>`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...summary.thresholds.map(thresholdCase),
    ...diagnoses.map(diagnosisCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes the JUnit file (and its directory); throws what the file system said. */
export function writeJunit(path: string, file: string, summary: RunSummary): void {
  ensureParentDir(path);
  writeFileSync(path, formatJunit({ file, summary }));
}
