// An origin (scheme, host, port) with everything a connection to it needs, computed once: the socket
// options handed to net.connect / tls.connect on every new connection.
import { isIP, type NetConnectOpts } from 'node:net';
import type { ConnectionOptions, SecureContext } from 'node:tls';

export interface Origin {
  /** The normalised origin, e.g. `http://127.0.0.1:8080` (URL.origin). */
  readonly key: string;
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  readonly netOptions: NetConnectOpts;
  readonly tlsOptions: ConnectionOptions | undefined;
}

export interface TlsSettings {
  rejectUnauthorized: boolean;
  secureContext: SecureContext;
}

/** Parses `http(s)://host[:port]`; undefined when it is not an http(s) URL. */
export function parseOrigin(text: string, tls: TlsSettings): Origin | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return undefined;
  if (!url.hostname) return undefined;
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const netOptions: NetConnectOpts = { host: hostname, port };
  const tlsOptions: ConnectionOptions | undefined = secure
    ? {
        host: hostname,
        port,
        // SNI carries host names only (RFC 6066); for an IP the certificate is checked against the IP.
        servername: isIP(hostname) ? undefined : hostname,
        rejectUnauthorized: tls.rejectUnauthorized,
        secureContext: tls.secureContext,
        ALPNProtocols: ['http/1.1'],
      }
    : undefined;
  return { key: url.origin, secure, hostname, port, netOptions, tlsOptions };
}
