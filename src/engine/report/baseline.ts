// The baseline gate of `volley compare` and `volley run --baseline`: a stored run's summary against this
// one's, as the compare view's rows (src/compare.ts, the same code as the editor's), and the steps whose
// p95 or failure rate regressed beyond the limit.
import { closeSync, openSync } from 'node:fs';
import { compareRows, regressions, stepDeltas, type CompareRow, type Regression } from '../../compare';
import { editorDuration, editorPercent } from '../../format';
import type { RunEvent, RunSummary } from '../../protocol';
import { readRunSummary } from '../runs/read';

export const DEFAULT_MAX_REGRESSION = 0.1;

/** `10%`, `10` (also percent) or `2.5%`: the limit as a fraction; undefined when it is not one. */
export function parseMaxRegression(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!match) return undefined;
  const percent = Number(match[1]);
  return Number.isFinite(percent) && percent <= 10_000 ? percent / 100 : undefined;
}

/** The summary of a stored run; a message naming the file and the reason when there is none. */
export function readBaselineSummary(path: string): { summary: RunSummary } | { error: string } {
  // readRunSummary says nothing about why a file has no summary: an unreadable one is told apart first.
  try {
    closeSync(openSync(path, 'r'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: `${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}` };
  }
  const summary = readRunSummary(path);
  return summary ? { summary } : { error: `${path}: no run summary in it (not a run file, or the run did not finish)` };
}

export interface Comparison {
  rows: CompareRow[];
  regressions: Regression[];
  maxRegression: number;
}

export function compareSummaries(base: RunSummary, run: RunSummary, maxRegression: number): Comparison {
  const asEvents = (summary: RunSummary): RunEvent[] => [{ type: 'summary', summary }];
  return {
    rows: compareRows(asEvents(base), asEvents(run)),
    regressions: regressions(stepDeltas(base, run), maxRegression),
    maxRegression,
  };
}

/** `browse › list: p95 40 ms → 52 ms (+30.0%)`: one regression, as `volley compare` and Problems say it. */
export function regressionText(r: Regression): string {
  const value = r.figure === 'p95' ? editorDuration : editorPercent;
  const change = r.base > 0 ? ` (+${(((r.run - r.base) / r.base) * 100).toFixed(1)}%)` : '';
  return `${r.step}: ${r.figure} ${value(r.base)} → ${value(r.run)}${change}`;
}

/** The table as text, then the verdict. */
export function formatComparison(c: Comparison, labels: [string, string]): string {
  const header = ['', 'baseline', 'this run', 'change', ''];
  const body = c.rows.map((r) => [r.name, r.a, r.b, r.delta, r.verdict === 'same' || r.verdict === 'n/a' ? '' : r.verdict]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i].length)));
  const line = (row: string[]): string => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  const limit = `${+(c.maxRegression * 100).toFixed(2)}%`;
  const verdict =
    c.regressions.length === 0
      ? `no step's p95 or failure rate regressed by more than ${limit}`
      : `regressed beyond ${limit}:\n${c.regressions.map((r) => `  ${regressionText(r)}`).join('\n')}`;
  return [`baseline: ${labels[0]}`, `this run: ${labels[1]}`, '', line(header), ...body.map(line), '', verdict, ''].join('\n');
}
