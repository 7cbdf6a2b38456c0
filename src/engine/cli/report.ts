// `volley report RUN.ndjson --html FILE | --samples`: a stored run (or a `volley merge` output) as the
// self-contained HTML report that `--out html=FILE` writes at the end of a run, drawn by the same code
// (report/html.ts), or as the list of every failure sample it kept (report/samples-text.ts). Each kind of
// report is one flag in REPORT_FLAGS and one entry in reportsOf, so adding one is a small change.
import { EXIT } from '../../protocol';
import { reportTitle, writeHtmlReport } from '../report/html';
import { formatSamplesReport } from '../report/samples-text';
import { formatTextSummary } from '../report/text-summary';
import { RunFileError, readRunEvents, type StoredRun } from '../report/run-events';
import { UsageError, has, last, type FlagSpec, type ParsedArgs } from './args';
import { systemReason } from './prepare';

interface ReportWriter {
  /** How the flag is written, for messages: `--html`. */
  flag: string;
  /** The file written; absent for a report printed on stdout. */
  path?: string;
  write(run: StoredRun): void;
}

export const REPORT_FLAGS: FlagSpec[] = [
  { name: 'html', value: 'FILE', description: 'write the results panel\'s view of the run as one self-contained HTML file' },
  { name: 'samples', description: 'print every failed request the run kept (per step and kind: the first 3 and 5 later picks), secrets redacted' },
  { name: 'no-color', description: 'no colours in the summary (also: NO_COLOR=1)' },
  { name: 'quiet', short: 'q', description: 'no notes on stderr' },
  { name: 'help', short: 'h', description: 'show this help' },
];

export const REPORT_COMMAND = {
  name: 'report',
  synopsis: 'volley report RUN.ndjson [--html FILE] [--samples]',
  summary: 'a stored run (a run file, or the output of volley merge) as an HTML report, its failure samples, or its summary again',
  flags: REPORT_FLAGS,
  details: `RUN.ndjson is a run file: --out ndjson=FILE of volley run, a file in .volley/runs, or volley merge's
--out ndjson=FILE. The HTML report is the one --out html=FILE writes: the panel's charts and tables, with
the script, styles and data inline and no network access when opened. --samples prints, on stdout, each
failed request the run kept as evidence: request, response, body starts and timings, secrets redacted.
Without either, the end-of-test summary is printed again.

Examples:
  volley report .volley/runs/2026-01-05T10-00-00--load-1a2b3c.ndjson --html report.html
  volley merge seg-*.ndjson --out ndjson=merged.ndjson && volley report merged.ndjson --html merged.html
  volley report run.ndjson --samples
  volley report run.ndjson

Exit codes: 0 written; 104 bad usage, a file that is not a run, a run without a summary (--samples, or no
flag), or a report that cannot be written.`,
};

/** The reports asked for, in the order they are written. */
function reportsOf(args: ParsedArgs): ReportWriter[] {
  const summaryOf = (run: StoredRun) => {
    if (run.summary === undefined) throw new Error('the run has no summary (it was stopped or is still running)');
    return run.summary;
  };
  const reports: ReportWriter[] = [];
  const html = last(args, 'html');
  if (html !== undefined) {
    if (html === '') throw new UsageError('--html needs a file name', 'report');
    reports.push({ flag: '--html', path: html, write: (run) => writeHtmlReport(html, run.events, reportTitle(run.events)) });
  }
  if (has(args, 'samples')) {
    reports.push({
      flag: '--samples',
      write: (run) => process.stdout.write(formatSamplesReport(summaryOf(run))),
    });
  }
  if (reports.length === 0) {
    const color = !has(args, 'no-color') && !process.env.NO_COLOR && process.stdout.isTTY === true;
    reports.push({ flag: 'summary', write: (run) => process.stdout.write(formatTextSummary(summaryOf(run), { color, runFile: args.positionals[0] })) });
  }
  return reports;
}

export function reportCommand(args: ParsedArgs): number {
  if (args.positionals.length !== 1) {
    throw new UsageError(`give one run file: volley report RUN.ndjson [--html FILE] [--samples] (got ${args.positionals.length})`, 'report');
  }
  const reports = reportsOf(args);
  const [runPath] = args.positionals;
  let run: StoredRun;
  try {
    run = readRunEvents(runPath);
  } catch (err) {
    if (!(err instanceof RunFileError)) throw err;
    process.stderr.write(`volley report: ${err.message}\n`);
    return EXIT.invalidInput;
  }
  const quiet = has(args, 'quiet');
  if (!quiet) for (const note of run.notes) process.stderr.write(`note: ${note}\n`);
  for (const report of reports) {
    try {
      report.write(run);
    } catch (err) {
      const why = report.path !== undefined ? `cannot write ${report.flag} ${report.path}: ${systemReason(err)}` : `${runPath}: ${systemReason(err)}`;
      process.stderr.write(`volley report: ${why}\n`);
      return EXIT.invalidInput;
    }
    if (!quiet && report.path !== undefined) process.stderr.write(`volley report: wrote ${report.path}\n`);
  }
  return EXIT.ok;
}
