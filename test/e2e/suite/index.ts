// Entry of the suite that runs inside the extension host (compiled to out/test/suite.js by the runner).
// The workbench calls run() once the extension under development is loaded, and exits when it settles.
import { runRegistered } from './harness';
import './language';
import './runs';
import './results';

export function run(): Promise<void> {
  return runRegistered();
}
