// `volley debug --json` in a child process: the bundled dist/engine.js on the editor's own Node, as the
// CLI (VOLLEY_IPC off), its one JSON document read from stdout. Nothing here imports vscode, so it is
// tested with plain Node against the real engine.
import type { DebugReport } from '../protocol';
import { runEngineCli } from './engine-process';

export interface DebugProcessRequest {
  enginePath: string;
  file: string;
  scenario?: string;
  setup: boolean;
  teardown: boolean;
  cwd?: string;
  execPath?: string;
}

export type DebugResult =
  | { ok: true; report: DebugReport }
  /** Nothing ran (a file with errors: 104) or the engine failed; `message` is its stderr. */
  | { ok: false; exitCode: number | undefined; message: string };

export function debugArgs(request: DebugProcessRequest): string[] {
  const args = ['debug', request.file, '--json'];
  if (request.scenario !== undefined) args.push('--scenario', request.scenario);
  if (!request.setup) args.push('--no-setup');
  if (!request.teardown) args.push('--no-teardown');
  return args;
}

export async function runDebug(request: DebugProcessRequest): Promise<DebugResult> {
  const result = await runEngineCli({ enginePath: request.enginePath, args: debugArgs(request), cwd: request.cwd, execPath: request.execPath });
  if ('startError' in result) return { ok: false, exitCode: undefined, message: `cannot start the engine: ${result.startError.message}` };
  const { code, stdout, stderr } = result;
  if (stdout.trim() !== '') {
    try {
      return { ok: true, report: JSON.parse(stdout) as DebugReport };
    } catch {
      // Not the report: said below with the engine's own words.
    }
  }
  return { ok: false, exitCode: code ?? undefined, message: stderr.trim() || `the debug run ended with exit ${code}` };
}
