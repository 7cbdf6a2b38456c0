// Worker thread entry when running from source (tsx); the bundle's own entry (src/engine/main.ts)
// dispatches to runWorkerThread instead.
import { runWorkerThread } from './worker';

runWorkerThread();
