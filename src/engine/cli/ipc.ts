// The engine as the extension's child process: commands arrive over the IPC channel (EngineCommand),
// run events leave over it, and the exit code is the CLI's.
import { EXIT, type EngineCommand, type RunEvent } from '../../protocol';
import { NdjsonWriter } from '../output/ndjson';
import { prepareRun, systemReason } from './prepare';
import { startSession, type Session } from './session';

export function isIpcChild(): boolean {
  return typeof process.send === 'function' && process.env.VOLLEY_IPC === '1';
}

export function runIpcChild(): Promise<number> {
  return new Promise<number>((resolveExit) => {
    let pending = 0;
    let finished: number | undefined;
    let session: Session | undefined;
    let started = false;
    let stopRequested: boolean | undefined;

    const maybeExit = (): void => {
      if (finished !== undefined && pending === 0) {
        process.off('message', onMessage);
        resolveExit(finished);
      }
    };
    const send = (event: RunEvent): void => {
      if (!process.connected || !process.send) return;
      pending++;
      process.send(event, undefined, {}, () => {
        pending--;
        maybeExit();
      });
    };
    const finish = (exitCode: number): void => {
      finished = exitCode;
      maybeExit();
    };
    const refuse = (exitCode: number, lines: string[], level: 'error' | 'warn' = 'error'): void => {
      for (const message of lines) send({ type: 'log', t: 0, level, message });
      send({ type: 'end', exitCode });
      finish(exitCode);
    };

    const start = async (command: Extract<EngineCommand, { type: 'run' }>): Promise<void> => {
      if (typeof command.file !== 'string' || command.file === '') return refuse(EXIT.invalidInput, ['run: no file given']);
      const scenarios = Array.isArray(command.scenarios) ? command.scenarios.filter((s) => typeof s === 'string') : [];
      const prepared = await prepareRun(command.file, scenarios);
      if (!prepared.ok) return refuse(prepared.exitCode, [...prepared.diagnostics, prepared.message]);
      if (stopRequested !== undefined) return refuse(EXIT.externalAbort, ['stopped before the run started']);
      for (const line of prepared.diagnostics) send({ type: 'log', t: 0, level: 'warn', message: line });
      let ndjson: NdjsonWriter | undefined;
      if (command.out) {
        try {
          ndjson = new NdjsonWriter(command.out);
        } catch (err) {
          return refuse(EXIT.invalidInput, [`cannot write ${command.out}: ${systemReason(err)}`]);
        }
      }
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(command.env ?? {})) if (typeof value === 'string') env[name] = value;
      session = startSession({
        plan: prepared.plan,
        scenarios,
        envOverrides: env,
        ndjson,
        runId: command.runId,
        setup: command.setup !== false,
        teardown: command.teardown !== false,
        onEvent: send,
      });
      finish((await session.done).exitCode);
    };

    const stop = (hard: boolean): void => {
      if (session) session.stop(hard);
      else stopRequested = hard;
    };

    function onMessage(message: unknown): void {
      const command = message as EngineCommand;
      if (command === null || typeof command !== 'object') return;
      if (command.type === 'run') {
        if (started) {
          send({ type: 'log', t: 0, level: 'warn', message: 'a run is already under way: one run per process' });
          return;
        }
        started = true;
        start(command).catch((err: unknown) =>
          refuse(EXIT.engineError, [`engine error: ${err instanceof Error ? err.message : String(err)}`]),
        );
      } else if (command.type === 'stop') {
        stop(command.hard === true);
      } else {
        send({ type: 'log', t: 0, level: 'warn', message: `unknown command ${JSON.stringify((command as { type?: unknown }).type)}` });
      }
    }

    process.on('message', onMessage);
    // The editor went away: nobody reads the events any more, but the NDJSON run file should still end well.
    process.once('disconnect', () => {
      if (session) session.stop(true);
      else finish(EXIT.externalAbort);
    });
    process.on('SIGINT', () => stop(false));
    process.on('SIGTERM', () => stop(false));
  });
}
