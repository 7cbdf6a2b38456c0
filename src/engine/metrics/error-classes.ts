// Error classes as small integers, so the hot path counts errors in a fixed array slot instead of a
// per-request object key. The Record type makes the compiler insist on every class of the protocol.
import type { ErrorClass } from '../../protocol';

export const ERROR_CLASS_INDEX: Readonly<Record<ErrorClass, number>> = {
  refused: 0,
  'connect-timeout': 1,
  reset: 2,
  'unexpected-eof': 3,
  'request-timeout': 4,
  tls: 5,
  dns: 6,
  'ports-exhausted': 7,
  'fd-exhausted': 8,
  'http-status': 9,
  'invalid-url': 10,
  aborted: 11,
  other: 12,
};

export const ERROR_CLASSES: readonly ErrorClass[] = (Object.keys(ERROR_CLASS_INDEX) as ErrorClass[]).sort(
  (a, b) => ERROR_CLASS_INDEX[a] - ERROR_CLASS_INDEX[b],
);
