// The run store: where runs are kept, finding the latest run of a file and scenario, and pruning.
export {
  RUNS_DIR_ENV,
  canonicalPath,
  newRunPath,
  parseRunFileName,
  resolveRunsDir,
  runFileName,
  scenarioFileKey,
  timeStamp,
  type RunFileName,
  type RunsDirOptions,
} from './location';
export { readRunStart, readRunSummary, type StartEvent } from './read';
export {
  DEFAULT_KEEP_RUNS,
  RunStore,
  TRIAL_RUN_ID_PREFIX,
  measuredRun,
  type MeasuredRun,
  type StoredRun,
} from './store';
export { openStoredRun, type OpenStoredRunOptions, type StoredRunWriter } from './record';
