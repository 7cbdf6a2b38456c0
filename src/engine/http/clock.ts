// The one clock of the HTTP layer: every phase is a difference of two readings of it, in milliseconds.
import { performance } from 'node:perf_hooks';

export const now: () => number = performance.now.bind(performance);
