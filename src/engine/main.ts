// Entry of dist/engine.js: the `volley` CLI, or, when the extension forks it with an IPC channel and
// VOLLEY_IPC=1, the run child that speaks EngineCommand / RunEvent over that channel.
import { runCli } from './cli/index';
import { isIpcChild, runIpcChild } from './cli/ipc';
import { isWorkerThread, runWorkerThread } from './workers/worker';

if (isWorkerThread()) {
  // `--workers`: this bundle is also each worker thread's entry (src/engine/workers).
  runWorkerThread();
} else {
  main();
}

function main(): void {
  // `volley run … | head` closes the pipe early: the run must still end properly and write its outputs.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }

  const running = isIpcChild() ? runIpcChild() : runCli(process.argv.slice(2));

  running.then(
    (exitCode) => {
      // Exit now rather than wait for stray handles (idle sockets, timers): the run has ended and every
      // output was written synchronously (stdout/stderr to pipes and files are synchronous on POSIX).
      process.exitCode = exitCode;
      if (process.connected) process.disconnect();
      process.exit(exitCode);
    },
    (err: unknown) => {
      process.stderr.write(`volley: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(103);
    },
  );
}
