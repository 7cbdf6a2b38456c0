// Scale-out: reading the runs of a test's execution segments and merging them into one run.
export { mergeRuns, mergeHealth, type MergedRun, type MergeOptions } from './merge-runs';
export { readRunFile, parseRunText, MergeInputError, type RunFile } from './read-run';
export { checkSegments, type SegmentCoverage } from './segments-check';
export { planFromInfo } from './plan-from-info';
export { SegmentRecording, withoutThresholds } from './recording';
