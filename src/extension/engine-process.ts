// One run in a child process: a fork of the bundled dist/engine.js on the editor's own Node runtime
// (process.execPath with ELECTRON_RUN_AS_NODE, so nobody needs Node installed), speaking EngineCommand /
// RunEvent over the IPC channel (src/engine/cli/ipc.ts). Stop is graceful the first time and hard the
// second; a child that outlives a hard stop is killed. Nothing here imports vscode, so the process handling
// is tested with plain Node.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import type { EngineCommand, RunEvent } from '../protocol';

export type RunCommand = Extract<EngineCommand, { type: 'run' }>;

export interface EngineProcessOptions {
  /** dist/engine.js */
  enginePath: string;
  command: RunCommand;
  cwd?: string;
  /** Defaults to the running Node (the extension host's). */
  execPath?: string;
  onEvent(event: RunEvent): void;
  /** The engine's own stderr (internal errors); never holds run events. */
  onOutput?(text: string): void;
  /** After a hard stop, how long the child has to exit before it is killed. */
  killAfterMs?: number;
}

export interface EngineExit {
  /** The process's exit code; undefined when it was killed by a signal. */
  code: number | undefined;
  signal: NodeJS.Signals | undefined;
  /** The exit code the engine announced in its `end` event, if it got that far. */
  endExitCode: number | undefined;
  /** Killed by this side (kill(), or a hard stop that was not obeyed in time). */
  killed: boolean;
}

export type StopKind = 'graceful' | 'hard' | 'not-running';

/** The environment of the child: the editor's, plus the switches that make it an engine child. */
export function engineEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, VOLLEY_IPC: '1', ELECTRON_RUN_AS_NODE: '1' };
  // A debugger or loader meant for the editor must not attach to every run.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** What a CLI run of the engine printed, and its exit code; or why it could not start. */
export type EngineCliResult = { code: number | null; stdout: string; stderr: string } | { startError: Error };

/**
 * The bundled engine as the CLI (VOLLEY_IPC off), run to its end: `volley debug --json`, `volley import`.
 * `stdin` is written and closed (an empty one when absent).
 */
export function runEngineCli(options: { enginePath: string; args: string[]; cwd?: string; execPath?: string; stdin?: string }): Promise<EngineCliResult> {
  return new Promise((resolve) => {
    const child = spawn(options.execPath ?? process.execPath, [options.enginePath, ...options.args], {
      env: { ...engineEnv(process.env), VOLLEY_IPC: '' },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    child.once('error', (startError) => resolve({ startError }));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export class EngineProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<EngineExit>;
  private stops = 0;
  private killed = false;
  private endExitCode: number | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private running = true;
  private readonly killAfterMs: number;

  constructor(options: EngineProcessOptions) {
    this.killAfterMs = options.killAfterMs ?? 3000;
    this.child = fork(options.enginePath, [], {
      cwd: options.cwd,
      env: engineEnv(process.env),
      execPath: options.execPath ?? process.execPath,
      // The editor's own flags (inspector ports, loaders) are not for the engine.
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => options.onOutput?.(text));
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => options.onOutput?.(text));
    this.child.on('message', (message: unknown) => {
      const event = message as RunEvent;
      if (event === null || typeof event !== 'object' || typeof event.type !== 'string') return;
      if (event.type === 'end') this.endExitCode = event.exitCode;
      options.onEvent(event);
    });
    this.exited = new Promise<EngineExit>((resolve) => {
      let settled = false;
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        this.running = false;
        clearTimeout(this.killTimer);
        resolve({ code: code ?? undefined, signal: signal ?? undefined, endExitCode: this.endExitCode, killed: this.killed });
      };
      this.child.once('exit', done);
      // A fork that could not start (no such file, no permission) never exits: it errors.
      this.child.once('error', (err) => {
        options.onOutput?.(`volley: cannot start the engine: ${err.message}\n`);
        done(null, null);
      });
    });
    this.send(options.command);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The first call asks for a graceful stop; any later one for a hard stop, with a kill as the backstop. */
  stop(): StopKind {
    if (!this.running) return 'not-running';
    this.stops++;
    if (this.stops === 1) {
      this.send({ type: 'stop' });
      return 'graceful';
    }
    this.send({ type: 'stop', hard: true });
    this.killTimer ??= setTimeout(() => this.kill(), this.killAfterMs);
    return 'hard';
  }

  /** Now, without waiting: for dispose, deactivate and a child that ignored a hard stop. */
  kill(): void {
    if (!this.running) return;
    this.killed = true;
    this.child.kill('SIGKILL');
  }

  /** Hard stop, then kill if it has not exited within `graceMs`; resolves once the child is gone. */
  async shutdown(graceMs = 1500): Promise<EngineExit> {
    if (this.running) {
      this.send({ type: 'stop', hard: true });
      const timer = setTimeout(() => this.kill(), graceMs);
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }

  dispose(): void {
    this.kill();
  }

  private send(command: EngineCommand): void {
    if (!this.child.connected) return;
    try {
      this.child.send(command);
    } catch {
      // The channel closed between the check and the send: the exit handler reports it.
    }
  }
}
