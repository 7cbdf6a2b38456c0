// The worker thread's side: compile the scenario from its text, run startRun on this worker's share of
// every scenario, and stream windows to the main thread. Thresholds are not evaluated here: they belong
// to the merged result (a worker that judged abortOnFail on its own part would stop itself while the
// whole run goes on, with less load than planned).
import { parentPort, workerData } from 'node:worker_threads';
import type { RegistryWindow, RunEvent } from '../../protocol';
import { withoutThresholds } from '../merge/recording';
import { runUnobserved, selectScenarios, startRun, type RunHandle } from '../run';
import { prepareToRun } from '../warmup';
import { loadScenario } from '../scenario/index';
import { composeShares, evenSequence, SegmentSequence, tupleFromSpec } from '../segments';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol';

export function isWorkerThread(): boolean {
  return parentPort !== null && (workerData as Partial<WorkerSetup> | undefined)?.volleyWorker === true;
}

export function runWorkerThread(): void {
  const port = parentPort!;
  const setup = workerData as WorkerSetup;
  const send = (message: FromWorker): void => port.postMessage(message);
  let handle: RunHandle | undefined;
  let stopRequested: { hard: boolean } | undefined;

  const loaded = loadScenario(setup.text, setup.file, { dataTables: setup.dataTables });
  if (loaded.plan === undefined) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    send({ type: 'failed', message: `worker ${setup.worker}: the scenario does not compile${first ? `: ${first.message}` : ''}` });
    return;
  }
  const plan = loaded.plan;
  const processSegment = tupleFromSpec(setup.segment);
  const share = composeShares(processSegment, new SegmentSequence(evenSequence(setup.workers)).tuple(setup.worker));

  const start = (): void => {
    let window: { window: RegistryWindow; final: boolean } | undefined;
    handle = startRun(withoutThresholds(plan), {
      scenarios: setup.scenarios,
      env: setup.env,
      setupData: setup.setupData,
      runId: setup.runId,
      secrets: setup.secrets,
      failureSamples: setup.failureSamples,
      share,
      processSegment,
      // The main thread runs the doctor on the merged seconds, preflight included.
      preflight: false,
      primeHttp: false,
      onWindow: (_t, w, final) => {
        window = { window: w, final };
      },
      onEvent: (event: RunEvent) => {
        switch (event.type) {
          case 'aggregate':
            // onWindow ran just before this aggregate was built: pair them.
            if (window !== undefined) {
              const h = event.health;
              send({
                type: 'window',
                t: event.t,
                window: window.window,
                final: window.final,
                health: {
                  eventLoopDelayP99Ms: h.eventLoopDelayP99Ms,
                  heapUsedBytes: h.heapUsedBytes,
                  openSockets: h.openSockets,
                  newConnections: h.newConnections,
                },
              });
              window = undefined;
            }
            break;
          case 'log':
            send({ type: 'event', event });
            break;
          case 'summary':
            send({
              type: 'done',
              outcome: event.summary.outcome,
              checks: event.summary.checks ?? [],
              failureSamples: event.summary.failureSamples ?? [],
            });
            break;
          default:
            break;
        }
      },
    });
    if (stopRequested !== undefined) handle.stop(stopRequested.hard);
    handle.done.catch((error: unknown) => {
      send({ type: 'failed', message: `worker ${setup.worker}: ${error instanceof Error ? error.message : String(error)}` });
    });
  };

  const ready = (): void => send({ type: 'ready' });
  // Warm-up (or else priming) and the histogram stock before `ready`, so the workers' synchronised start is
  // the schedule's.
  const preparing = prepareToRun(
    plan,
    selectScenarios(plan, setup.scenarios).map(({ scenario }) => scenario),
    {
      warmUp: setup.warmUp,
      prime: true,
      share,
      log: (level, message) => send({ type: 'event', event: { type: 'log', t: 0, level, message } }),
      run: runUnobserved,
    },
  );

  port.on('message', (message: ToWorker) => {
    if (message.type === 'go') {
      const wait = message.startAt - Date.now();
      if (wait > 0) setTimeout(start, wait);
      else start();
    } else if (message.type === 'stop') {
      stopRequested = { hard: message.hard || stopRequested?.hard === true };
      handle?.stop(message.hard);
    }
  });
  void (preparing ?? Promise.resolve()).then(ready);
}
