// Failure samples on the terminal: one per kind under a scenario's step table in the end-of-test summary,
// and all of them (`volley report RUN.ndjson --samples`, from the run file's summary). What is printed
// was redacted when the run wrote it (src/engine/samples/capture.ts).
import type { FailureSample, FailureSampleGroup, RunSummary } from '../../protocol';
import { TIMING_PHASES, k6Count, k6Duration } from '../../format';
import { latestSample, oneLine, sampleKind, sampleOutcome } from '../../samples-format';

/** One line of a body start in the summary. */
const SUMMARY_BODY_CHARS = 120;

function clock(iso: string): string {
  return iso.slice(11, 23);
}

/** The summary's lines for one scenario: each kind's latest sample, under the step table. */
export function summarySampleLines(groups: readonly FailureSampleGroup[] | undefined, scenario: string, file: string | undefined): string[] {
  const own = (groups ?? []).filter((g) => g.scenario === scenario);
  if (own.length === 0) return [];
  const more = file === undefined ? '`volley report RUN.ndjson --samples`' : `\`volley report ${file} --samples\``;
  const out = [`    failed requests, the latest of each kind (all kept samples: ${more}):`];
  for (const group of own) {
    const sample = latestSample(group);
    if (sample === undefined) continue;
    out.push(`    ✗ ${group.step} · ${sampleKind(group)} × ${k6Count(group.count)} · ${clock(sample.time)}`);
    out.push(`        ${sample.request.method} ${sample.request.url} → ${sampleOutcome(sample)} in ${k6Duration(sample.timings.duration)}`);
    const body = sample.response?.bodyStart;
    if (body !== undefined && body !== '') out.push(`        ${oneLine(body, SUMMARY_BODY_CHARS)}`);
  }
  out.push('');
  return out;
}

function indented(text: string, indent: string): string[] {
  return text.split(/\r?\n/).map((line) => `${indent}${line}`);
}

function sampleBlock(sample: FailureSample, n: number): string[] {
  const t = sample.timings;
  const out = [
    `    #${n} ${sample.time}${sample.first ? ' (one of the first)' : ' (a later one, picked at random)'}`,
    `      → ${sample.request.method} ${sample.request.url}`,
    ...sample.request.headers.map(([name, value]) => `        ${name}: ${value}`),
  ];
  if (sample.request.bodyStart !== undefined) out.push(`        body (${sample.request.bodySize} B):`, ...indented(sample.request.bodyStart, '          '));
  if (sample.response !== undefined) {
    out.push(`      ← ${sample.response.status}`, ...sample.response.headers.map(([name, value]) => `        ${name}: ${value}`));
    if (sample.response.bodyStart !== undefined) out.push(`        body (${sample.response.bodySize} B):`, ...indented(sample.response.bodyStart, '          '));
  }
  if (sample.error !== undefined) out.push(`      ✗ ${sample.error}`);
  out.push(
    `      timings: ${TIMING_PHASES.map(([label, key]) => `${label} ${k6Duration(t[key])}`).join(' · ')} · duration ${k6Duration(t.duration)}`,
    '',
  );
  return out;
}

/** Every kept sample of the run, by step and kind. */
export function formatSamplesReport(summary: RunSummary): string {
  const groups = summary.failureSamples ?? [];
  if (groups.length === 0) return 'No request failed in this run: there are no failure samples.\n';
  const out: string[] = [];
  for (const group of groups) {
    out.push(`${group.scenario} / ${group.step} · ${sampleKind(group)} × ${k6Count(group.count)} (${group.samples.length} kept)`, '');
    group.samples.forEach((sample, i) => out.push(...sampleBlock(sample, i + 1)));
  }
  return out.join('\n');
}
