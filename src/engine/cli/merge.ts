// `volley merge RUN.ndjson…`: the runs of a test's execution segments as one run: the k6-style summary of
// the whole on stdout, --summary-export and --out ndjson like `volley run`, and k6's exit code from the
// thresholds evaluated on the merged result.
import { writeFileSync } from 'node:fs';
import { EXIT } from '../../protocol';
import { MergeInputError, mergeRuns, readRunFile, type RunFile } from '../merge';
import { ensureParentDir } from '../output/ensure-dir';
import { NdjsonWriter } from '../output/ndjson';
import { toSummaryExport } from '../report/summary-export';
import { formatTextSummary } from '../report/text-summary';
import { UsageError, all, has, last, type ParsedArgs } from './args';
import { outputTargets } from '../output/out-flags';
import { writeJunit } from '../report/junit';
import { writeHtmlReport } from '../report/html';
import { plural, systemReason } from './prepare';

export async function mergeCommand(args: ParsedArgs): Promise<number> {
  const stderr = process.stderr;
  if (args.positionals.length === 0) throw new UsageError('which runs? volley merge RUN.ndjson…', 'merge');
  const outputs = outputTargets(all(args, 'out'), 'merge', ['ndjson', 'junit', 'html']);
  const ndjsonPath = outputs.ndjson;
  const summaryExport = last(args, 'summary-export');
  if (summaryExport === '') throw new UsageError('--summary-export needs a file name', 'merge');
  const runId = last(args, 'run-id');
  if (runId !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(runId)) {
    throw new UsageError(`--run-id "${runId}": use letters, digits and . _ : - (at most 128)`, 'merge');
  }
  const quiet = has(args, 'quiet');
  const color = !has(args, 'no-color') && !process.env.NO_COLOR && process.stdout.isTTY === true;
  const note = (line: string): void => {
    if (!quiet) stderr.write(`${line}\n`);
  };

  let merged;
  try {
    const runs: RunFile[] = args.positionals.map((path) => readRunFile(path));
    for (const run of runs) if (run.skippedLines > 0) note(`${run.path}: skipped ${plural(run.skippedLines, 'line')} that are not events`);
    merged = mergeRuns(runs, { runId });
    note(
      `volley merge: ${plural(runs.length, 'run')} (${runs.map((r) => r.start.segment?.segment ?? 'whole test').join(', ')}), ` +
        `started within ${(merged.startSpreadMs / 1000).toFixed(3)}s, over a common window of ${(merged.summary.durationMs / 1000).toFixed(1)}s`,
    );
  } catch (err) {
    if (err instanceof MergeInputError) {
      stderr.write(`volley merge: ${err.message}\n`);
      return EXIT.invalidInput;
    }
    throw err;
  }
  for (const line of merged.notes) stderr.write(`note: ${line}\n`);

  let exitCode = merged.exitCode;
  if (ndjsonPath !== undefined) {
    try {
      const writer = new NdjsonWriter(ndjsonPath);
      for (const event of merged.events) writer.write(event);
      writer.close();
    } catch (err) {
      stderr.write(`volley merge: cannot write --out ndjson=${ndjsonPath}: ${systemReason(err)}\n`);
      return EXIT.invalidInput;
    }
  }
  process.stdout.write(formatTextSummary(merged.summary, { color }));
  if (summaryExport !== undefined) {
    try {
      ensureParentDir(summaryExport);
      writeFileSync(summaryExport, JSON.stringify(toSummaryExport(merged.summary), null, 2) + '\n');
    } catch (err) {
      stderr.write(`volley merge: cannot write --summary-export ${summaryExport}: ${systemReason(err)}\n`);
      if (exitCode === EXIT.ok) exitCode = EXIT.engineError;
    }
  }
  if (outputs.junit !== undefined) {
    try {
      writeJunit(outputs.junit, merged.events.find((e) => e.type === 'start')?.plan.file ?? args.positionals[0], merged.summary);
    } catch (err) {
      stderr.write(`volley merge: cannot write --out junit=${outputs.junit}: ${systemReason(err)}\n`);
      if (exitCode === EXIT.ok) exitCode = EXIT.engineError;
    }
  }
  if (outputs.html !== undefined) {
    try {
      writeHtmlReport(outputs.html, merged.events, `Volley: merged ${plural(args.positionals.length, 'run')}`);
    } catch (err) {
      stderr.write(`volley merge: cannot write --out html=${outputs.html}: ${systemReason(err)}\n`);
      if (exitCode === EXIT.ok) exitCode = EXIT.engineError;
    }
  }
  if (exitCode === EXIT.thresholdsFailed) stderr.write('volley merge: some thresholds have failed on the merged result (exit code 99)\n');
  return exitCode;
}
