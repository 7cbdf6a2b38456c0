// `volley report RUN.ndjson --html FILE`: a stored run (or a `volley merge` output) as the self-contained HTML
// report that `--out html=FILE` writes at the end of a run, drawn by the same code (report/html.ts). Each
// kind of report is one flag in REPORT_FLAGS and one entry in reportsOf, so adding one is a small change.
import { EXIT } from '../../protocol';
import { reportTitle, writeHtmlReport } from '../report/html';
import { RunFileError, readRunEvents, type StoredRun } from '../report/run-events';
import { UsageError, has, last, type FlagSpec, type ParsedArgs } from './args';
import { systemReason } from './prepare';

interface ReportWriter {
  /** How the flag is written, for messages: `--html`. */
  flag: string;
  path: string;
  write(path: string, run: StoredRun): void;
}

export const REPORT_FLAGS: FlagSpec[] = [
  { name: 'html', value: 'FILE', description: 'write the results panel\'s view of the run as one self-contained HTML file' },
  { name: 'quiet', short: 'q', description: 'no notes on stderr' },
  { name: 'help', short: 'h', description: 'show this help' },
];

export const REPORT_COMMAND = {
  name: 'report',
  synopsis: 'volley report RUN.ndjson --html FILE',
  summary: 'write a report of a stored run (a run file, or the output of volley merge)',
  flags: REPORT_FLAGS,
  details: `RUN.ndjson is a run file: --out ndjson=FILE of volley run, a file in .volley/runs, or volley merge's
--out ndjson=FILE. The HTML report is the one --out html=FILE writes: the panel's charts and tables, with
the script, styles and data inline and no network access when opened.

Examples:
  volley report .volley/runs/2026-01-05T10-00-00--load-1a2b3c.ndjson --html report.html
  volley merge seg-*.ndjson --out ndjson=merged.ndjson && volley report merged.ndjson --html merged.html

Exit codes: 0 written; 104 bad usage, a file that is not a run, or a report that cannot be written.`,
};

/** The reports asked for, in the order they are written. */
function reportsOf(args: ParsedArgs): ReportWriter[] {
  const reports: ReportWriter[] = [];
  const html = last(args, 'html');
  if (html !== undefined) {
    if (html === '') throw new UsageError('--html needs a file name', 'report');
    reports.push({ flag: '--html', path: html, write: (path, run) => writeHtmlReport(path, run.events, reportTitle(run.events)) });
  }
  return reports;
}

export function reportCommand(args: ParsedArgs): number {
  if (args.positionals.length !== 1) {
    throw new UsageError(`give one run file: volley report RUN.ndjson --html FILE (got ${args.positionals.length})`, 'report');
  }
  const reports = reportsOf(args);
  if (reports.length === 0) throw new UsageError('which report? add --html FILE (e.g. volley report run.ndjson --html report.html)', 'report');
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
      report.write(report.path, run);
    } catch (err) {
      process.stderr.write(`volley report: cannot write ${report.flag} ${report.path}: ${systemReason(err)}\n`);
      return EXIT.invalidInput;
    }
    if (!quiet) process.stderr.write(`volley report: wrote ${report.path}\n`);
  }
  return EXIT.ok;
}
