// `http.connections: shared` with `maxConnectionsPerHost: N` is the test's limit, not each part's: every
// part of the run (an execution-segment process, a worker thread of one) opens its share of N, cut as
// its VUs are (k6's striped segments), so the parts together never open more than N per origin.
import type { HttpPlan } from '../scenario/plan';
import type { WorkShare } from '../segments';

/** This share's part of the shared pools' limit: the limit itself when not shared or whole. */
export function sharedPoolShare(http: HttpPlan, share: WorkShare | undefined): number {
  if (http.connections !== 'shared' || share === undefined || share.isFull) return http.maxConnectionsPerHost;
  return share.scale(http.maxConnectionsPerHost);
}

/** The smallest limit of which this share gets a connection (for the fix of a share of 0). */
export function smallestSharedLimit(share: WorkShare, from: number): number {
  let n = Math.max(1, from);
  while (share.scale(n) < 1 && n < 1_000_000) n++;
  return n;
}
