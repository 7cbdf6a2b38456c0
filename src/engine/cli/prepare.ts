// Before any run: read and validate the file, and check the scenarios asked for exist. Shared by
// `volley run`, `volley demo --run` and the IPC child, so all three refuse the same inputs the same way.
import { statSync } from 'node:fs';
import { EXIT } from '../../protocol';
import type { Plan, ScenarioDiagnostic } from '../scenario/plan';
import { formatDiagnostic, loadScenarioFile, type FileLoadOptions } from '../scenario/index';
import { didYouMean } from '../scenario/suggest';

export type Prepared =
  | { ok: true; plan: Plan; diagnostics: string[] }
  /** `diagnostics`: one formatted line per problem; `message`: why nothing runs. */
  | { ok: false; exitCode: number; diagnostics: string[]; message: string };

export interface LoadedFile {
  diagnostics: ScenarioDiagnostic[];
  plan: Plan | undefined;
  /** Set when the file could not be read at all. */
  readError?: string;
}

/** Reads and validates one file; a file that cannot be read is a `readError`, never an exception. */
export async function loadFile(file: string, options: FileLoadOptions = {}): Promise<LoadedFile> {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return { diagnostics: [], plan: undefined, readError: 'is a directory, not a scenario file' };
  } catch (err) {
    return { diagnostics: [], plan: undefined, readError: systemReason(err) };
  }
  const { diagnostics, plan } = await loadScenarioFile(file, options);
  return { diagnostics, plan: plan ?? undefined };
}

export function systemReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return err instanceof Error ? err.message : String(err);
}

export function countBySeverity(diagnostics: readonly ScenarioDiagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function prepareRun(file: string, scenarios: readonly string[]): Promise<Prepared> {
  let loaded: LoadedFile;
  try {
    loaded = await loadFile(file);
  } catch (err) {
    // The scenario module promises diagnostics, not exceptions: an exception is a bug in Volley.
    return { ok: false, exitCode: EXIT.engineError, diagnostics: [], message: `could not load ${file}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (loaded.readError) {
    return { ok: false, exitCode: EXIT.invalidInput, diagnostics: [], message: `cannot read ${file}: ${loaded.readError}` };
  }
  const diagnostics = loaded.diagnostics.map((d) => formatDiagnostic(file, d));
  const { errors } = countBySeverity(loaded.diagnostics);
  if (errors > 0 || !loaded.plan) {
    return {
      ok: false,
      exitCode: EXIT.invalidInput,
      diagnostics,
      message: `${file} has ${plural(Math.max(errors, 1), 'error')}: nothing was run`,
    };
  }
  const plan = loaded.plan;
  const known = plan.scenarios.map((s) => s.name);
  for (const name of scenarios) {
    if (known.includes(name)) continue;
    const suggestion = didYouMean(name, known);
    return {
      ok: false,
      exitCode: EXIT.invalidInput,
      diagnostics,
      message:
        `no scenario "${name}" in ${file}` +
        (suggestion ? `: did you mean "${suggestion}"?` : '') +
        ` (scenarios: ${known.join(', ') || 'none'})`,
    };
  }
  return { ok: true, plan, diagnostics };
}
