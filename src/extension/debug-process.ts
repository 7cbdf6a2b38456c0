// `volley debug --json` in a child process: the bundled dist/engine.js on the editor's own Node, as the
// CLI (VOLLEY_IPC off), its one JSON document read from stdout. Nothing here imports vscode, so it is
// tested with plain Node against the real engine.
import { spawn } from 'node:child_process';
import type { DebugReport } from '../protocol';
import { engineEnv } from './engine-process';

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

export function runDebug(request: DebugProcessRequest): Promise<DebugResult> {
  return new Promise((resolve) => {
    const child = spawn(request.execPath ?? process.execPath, [request.enginePath, ...debugArgs(request)], {
      env: { ...engineEnv(process.env), VOLLEY_IPC: '' },
      cwd: request.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.once('error', (err) => resolve({ ok: false, exitCode: undefined, message: `cannot start the engine: ${err.message}` }));
    child.once('close', (code) => {
      if (stdout.trim() !== '') {
        try {
          resolve({ ok: true, report: JSON.parse(stdout) as DebugReport });
          return;
        } catch {
          // Not the report: said below with the engine's own words.
        }
      }
      resolve({ ok: false, exitCode: code ?? undefined, message: stderr.trim() || `the debug run ended with exit ${code}` });
    });
  });
}
