// Transport errors → Volley's error classes, with k6's numeric codes (k6's
// lib/netext/httpext/error_codes.go and https://grafana.com/docs/k6/latest/javascript-api/error-codes/)
// and a cause in plain words. Classification is a switch on `err.code`, cheap enough for the hot path;
// the detailed code and cause are for reports and logs.
import type { ErrorClass } from '../../protocol';

export interface ErrorInfo {
  /** k6's code for the class (the most specific one k6 defines; 1000 where k6 only has the generic one). */
  code: number;
  cause: string;
}

export const ERROR_INFO: Readonly<Record<ErrorClass, ErrorInfo>> = {
  refused: { code: 1212, cause: 'connection refused: nothing listens on that port, or a firewall rejects it' },
  'connect-timeout': { code: 1211, cause: 'connect timeout: the TCP (or TLS) connection was not established in time' },
  reset: { code: 1220, cause: 'connection reset by peer: the server (or something in between) dropped the connection' },
  'unexpected-eof': { code: 1000, cause: 'unexpected EOF: the server closed the connection before the response was complete' },
  'request-timeout': { code: 1050, cause: 'request timeout: no complete response within the timeout' },
  tls: { code: 1300, cause: 'TLS error: the handshake failed or the certificate was rejected' },
  dns: { code: 1100, cause: 'DNS error: the host name could not be resolved' },
  'ports-exhausted': { code: 1210, cause: 'ephemeral ports exhausted (EADDRNOTAVAIL): too many connections opened and closed too fast' },
  'fd-exhausted': { code: 1210, cause: 'file descriptors exhausted (EMFILE/ENFILE): raise `ulimit -n` or use fewer connections' },
  'http-status': { code: 1400, cause: 'HTTP error status (4xx/5xx)' },
  'invalid-url': { code: 1020, cause: 'invalid URL or request: the rendered request could not be sent' },
  aborted: { code: 1000, cause: 'aborted: the request was interrupted when the scenario stopped' },
  other: { code: 1000, cause: 'other error' },
};

/** Set on errors raised while a connection is being set up, so a reset during the handshake reads as TLS. */
export const kConnectPhase = Symbol('volley.connectPhase');
export type ConnectPhase = 'tcp' | 'tls';

/** Errors Volley raises itself (timeouts and interruptions), carrying their class. */
export class VolleyHttpError extends Error {
  readonly code: string;
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
  ) {
    super(message);
    this.name = 'VolleyHttpError';
    this.code = 'VOLLEY_' + errorClass.toUpperCase().replace(/-/g, '_');
  }
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

export function classifyError(err: unknown): ErrorClass {
  if (err instanceof VolleyHttpError) return err.errorClass;
  const e = err as { code?: unknown; message?: unknown; [kConnectPhase]?: ConnectPhase } | null;
  const code = e && typeof e.code === 'string' ? e.code : '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'connect-timeout';
    case 'ECONNRESET':
    case 'EPIPE':
      return e?.[kConnectPhase] === 'tls' ? 'tls' : 'reset';
    case 'UND_ERR_SOCKET':
      // undici's SocketError: "other side closed" is an EOF from the peer; "closed" a socket that went away.
      return e?.message === 'other side closed' ? 'unexpected-eof' : 'reset';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'unexpected-eof';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'request-timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return 'dns';
    case 'EADDRNOTAVAIL':
      return 'ports-exhausted';
    case 'EMFILE':
    case 'ENFILE':
      return 'fd-exhausted';
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLOSED':
      return 'aborted';
    case 'UND_ERR_INVALID_ARG':
    case 'ERR_INVALID_URL':
      return 'invalid-url';
  }
  if (CERT_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'tls';
  if (e?.[kConnectPhase] === 'tls') return 'tls';
  return 'other';
}

/** k6's most specific code for this error (e.g. 1310 for an unknown certificate authority, 1101 for no such host). */
export function errorCode(err: unknown, cls: ErrorClass = classifyError(err), status = 0): number {
  if (cls === 'http-status' && status >= 400) return 1000 + status;
  const code = (err as { code?: unknown } | null)?.code;
  if (cls === 'tls') {
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') return 1311;
    if (
      code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
      code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
      code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
      code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
    )
      return 1310;
  }
  if (cls === 'dns' && code === 'ENOTFOUND') return 1101;
  if (cls === 'reset' && code === 'EPIPE') return 1201;
  return ERROR_INFO[cls].code;
}

/** One line for logs and the errors table: code, cause, and the underlying message (never headers or bodies). */
export function describeError(err: unknown, cls: ErrorClass = classifyError(err)): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  return `${errorCode(err, cls)} ${ERROR_INFO[cls].cause} (${typeof code === 'string' ? code + ': ' : ''}${message})`;
}
