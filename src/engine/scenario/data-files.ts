// The files of `data:` sets, relative to the scenario file. For a run: read once per process (each distinct
// file once) into shared memory, or taken as the main thread already read them (a worker thread's
// `tables`); for the editor: inspected, and remembered while the file's size and time are unchanged, so a
// keystroke never re-reads it. A file that cannot be used is an error at its `file:` value, with the
// file's own line when the problem has one.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadDataFile, type DataFileProblem, type LoadedDataFile } from '../data/load';
import { DataTable, newCounters, type SharedDataTable } from '../data/table';
import type { DataSetPlan, ScenarioDiagnostic } from './plan';
import type { CheckedDataSet } from './check/data';

export function dataFilePath(scenarioFile: string, file: string): string {
  return resolve(dirname(scenarioFile), file);
}

/** Reads each data file a document names once (by absolute path): the run's loader. */
export class DataFileReader {
  private readonly loaded = new Map<string, LoadedDataFile>();

  constructor(
    private readonly scenarioFile: string,
    /** Tables the main thread read, by set name: a worker thread uses them instead of reading again. */
    private readonly shared: Readonly<Record<string, SharedDataTable>> | undefined,
  ) {}

  columns = (set: { name: string; file: string }): readonly string[] | undefined => {
    const given = this.shared?.[set.name];
    return given !== undefined ? given.columns : this.load(set.file).table?.columns;
  };

  load(file: string): LoadedDataFile {
    const path = dataFilePath(this.scenarioFile, file);
    let loaded = this.loaded.get(path);
    if (loaded === undefined) this.loaded.set(path, (loaded = loadDataFile(path)));
    return loaded;
  }

  /** The sets' plans (counters for `scenarios` scenarios, shared by the process's threads), or the problems. */
  plans(sets: readonly CheckedDataSet[], scenarios: number): { plans: DataSetPlan[]; diagnostics: ScenarioDiagnostic[] } {
    const plans: DataSetPlan[] = [];
    const diagnostics: ScenarioDiagnostic[] = [];
    for (const set of sets) {
      const given = this.shared?.[set.name];
      if (given !== undefined) {
        plans.push({ name: set.name, file: set.file, pick: set.pick, range: set.range, table: new DataTable(given) });
        continue;
      }
      const loaded = this.load(set.file);
      if (loaded.problem !== undefined) {
        diagnostics.push(dataFileDiagnostic(set, this.scenarioFile, loaded.problem));
        continue;
      }
      plans.push({ name: set.name, file: set.file, pick: set.pick, range: set.range, table: new DataTable({ ...loaded.table, counters: newCounters(scenarios) }) });
    }
    return { plans, diagnostics };
  }
}

/** The tables of a plan's data sets as they cross into worker threads (shared memory, not copied). */
export function sharedTables(data: readonly DataSetPlan[] | undefined): Record<string, SharedDataTable> | undefined {
  if (data === undefined || data.length === 0) return undefined;
  return Object.fromEntries(data.map((set) => [set.name, set.table.shared]));
}

export function dataFileDiagnostic(set: CheckedDataSet, scenarioFile: string, problem: DataFileProblem): ScenarioDiagnostic {
  const where = problem.line !== undefined ? `${set.file}:${problem.line}` : `"${set.file}" (${dataFilePath(scenarioFile, set.file)})`;
  return { severity: 'error', code: 'bad-data-file', message: `data set ${set.name}: ${where}: ${problem.message}`, range: set.range };
}

/** What the editor knows of a data file: its columns and rows, or why it cannot be used. */
export type DataFileFacts = { columns: readonly string[]; rows: number; problem?: undefined } | { problem: DataFileProblem; columns?: undefined; rows?: undefined };

const inspected = new Map<string, { stamp: string; facts: DataFileFacts }>();

/** Reads and validates the file only when its size or time changed since the last look (the editor's path). */
export function inspectDataFile(path: string): DataFileFacts {
  let stamp: string;
  try {
    const stat = statSync(path);
    stamp = `${stat.size}:${stat.mtimeMs}`;
  } catch {
    stamp = 'missing';
  }
  const known = inspected.get(path);
  if (known !== undefined && known.stamp === stamp) return known.facts;
  const loaded = loadDataFile(path);
  const facts: DataFileFacts = loaded.problem !== undefined ? { problem: loaded.problem } : { columns: loaded.table.columns, rows: loaded.table.rows };
  inspected.set(path, { stamp, facts });
  return facts;
}

/** The editor's diagnostics for the data files of a checked document. */
export function dataFileDiagnostics(sets: readonly CheckedDataSet[] | undefined, scenarioFile: string): ScenarioDiagnostic[] {
  const diagnostics: ScenarioDiagnostic[] = [];
  for (const set of sets ?? []) {
    const facts = inspectDataFile(dataFilePath(scenarioFile, set.file));
    if (facts.problem !== undefined) diagnostics.push(dataFileDiagnostic(set, scenarioFile, facts.problem));
  }
  return diagnostics;
}
