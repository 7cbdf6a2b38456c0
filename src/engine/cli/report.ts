// `volley report RUN.ndjson`: a finished run read back from its run file. `--samples` lists every failure
// sample the run kept (src/engine/report/samples-text.ts); without a flag, the end-of-test summary again.
import { EXIT } from '../../protocol';
import { readBaselineSummary } from '../report/baseline';
import { formatSamplesReport } from '../report/samples-text';
import { formatTextSummary } from '../report/text-summary';
import { UsageError, has, type ParsedArgs } from './args';
import type { CommandSpec } from './commands';

export const REPORT_COMMAND: CommandSpec = {
  name: 'report',
  synopsis: 'volley report RUN.ndjson [--samples]',
  summary: "print a finished run's summary, or its failure samples, from its run file",
  flags: [
    { name: 'samples', description: 'list every failed request the run kept (per step and kind: the first 3 and 5 later picks), secrets redacted' },
    { name: 'no-color', description: 'no colours in the summary (also: NO_COLOR=1)' },
    { name: 'help', short: 'h', description: 'show this help' },
  ],
  details: `The file is a run file (--out ndjson, or .volley/runs).

Examples:
  volley report .volley/runs/2026-01-01T10-00-00--load-3f2a.ndjson --samples
  volley report run.ndjson

Exit codes: 0 printed; 104 bad usage, or the file is not a finished run's.`,
};

export function reportCommand(args: ParsedArgs): number {
  if (args.positionals.length !== 1) throw new UsageError(`give one run file: volley report RUN.ndjson (got ${args.positionals.length})`, 'report');
  const path = args.positionals[0];
  const read = readBaselineSummary(path);
  if ('error' in read) {
    process.stderr.write(`volley report: ${read.error}\n`);
    return EXIT.invalidInput;
  }
  if (has(args, 'samples')) process.stdout.write(formatSamplesReport(read.summary));
  else {
    const color = !has(args, 'no-color') && !process.env.NO_COLOR && process.stdout.isTTY === true;
    process.stdout.write(formatTextSummary(read.summary, { color, runFile: path }));
  }
  return EXIT.ok;
}
