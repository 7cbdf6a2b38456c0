// Entry of the suite that runs inside the extension host (compiled to out/test/suite.js by the runner).
// The workbench calls run() once the extension under development is loaded, and exits when it settles.
// results.ts goes last: it leaves the run panel in front for the runner's reload phase after the suite.
import { runRegistered } from './harness';
import './language';
import './runs';
import './workflows';
import './lifecycle';
import './groups';
import './importing';
import './results';

export function run(): Promise<void> {
  return runRegistered();
}
