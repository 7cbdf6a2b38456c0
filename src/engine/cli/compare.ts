// `volley compare BASE.ndjson RUN.ndjson`: the compare view's delta table in a terminal, and the baseline
// gate as an exit code (99 when a step's p95 or failure rate regressed beyond --max-regression).
import { EXIT } from '../../protocol';
import { compareSummaries, DEFAULT_MAX_REGRESSION, formatComparison, parseMaxRegression, readBaselineSummary } from '../report/baseline';
import { UsageError, has, last, type FlagSpec, type ParsedArgs } from './args';

export const MAX_REGRESSION_FLAG: FlagSpec = {
  name: 'max-regression',
  value: 'PERCENT',
  description: "how much a step's p95 or failure rate may grow over the baseline's (default 10%)",
};

export const COMPARE_COMMAND = {
  name: 'compare',
  synopsis: 'volley compare BASE.ndjson RUN.ndjson [--max-regression 10%] [--json]',
  summary: 'compare a run with a baseline run, per step; exit 99 on a regression',
  flags: [
    MAX_REGRESSION_FLAG,
    { name: 'json', description: 'print one JSON object instead of the table' },
    { name: 'help', short: 'h', description: 'show this help' },
  ],
  details: `Both files are run files (--out ndjson, or .volley/runs). Prints the editor's compare table: the
headline figures, then per step p50/p95/p99, failure rate and throughput.

Exit codes: 0 no step regressed; 99 some step's p95 grew by more than the limit, or its failure rate did
(and by at least 0.1 percentage point); 104 bad input.`,
};

/** --max-regression as a fraction (0.1 for 10%). */
export function maxRegressionFrom(args: ParsedArgs, command: string): number {
  const text = last(args, 'max-regression');
  if (text === undefined) return DEFAULT_MAX_REGRESSION;
  const limit = parseMaxRegression(text);
  if (limit === undefined) throw new UsageError(`--max-regression "${text}": give a percentage, e.g. 10%`, command);
  return limit;
}

export function compareCommand(args: ParsedArgs): number {
  if (args.positionals.length !== 2) {
    throw new UsageError(`give two run files, the baseline first: volley compare BASE.ndjson RUN.ndjson (got ${args.positionals.length})`, 'compare');
  }
  const limit = maxRegressionFrom(args, 'compare');
  const [basePath, runPath] = args.positionals;
  const base = readBaselineSummary(basePath);
  const run = readBaselineSummary(runPath);
  const unreadable = 'error' in base ? base.error : 'error' in run ? run.error : undefined;
  if (unreadable !== undefined || 'error' in base || 'error' in run) {
    process.stderr.write(`volley compare: ${unreadable}\n`);
    return EXIT.invalidInput;
  }
  const comparison = compareSummaries(base.summary, run.summary, limit);
  if (has(args, 'json')) {
    process.stdout.write(
      JSON.stringify({ baseline: { file: basePath, runId: base.summary.runId }, run: { file: runPath, runId: run.summary.runId }, ...comparison }, null, 2) + '\n',
    );
  } else {
    process.stdout.write(formatComparison(comparison, [`${basePath} (${base.summary.runId})`, `${runPath} (${run.summary.runId})`]));
  }
  return comparison.regressions.length > 0 ? EXIT.thresholdsFailed : EXIT.ok;
}
