// A failed exchange as a FailureSample: copied out of the VU's reused Exchange while it still holds the
// request and the response, with every secret replaced before anything is cut short (a secret cut in half
// by the body start's end would otherwise leave its first characters). Runs only for a failure the sampler
// keeps, never for a successful request.
import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { FailureSample } from '../../protocol';
import { FAILED_BODY_BYTES, type Exchange } from '../http/exchange';
import { isCredentialName, redactCredentialFields, REDACTED, type Redactor } from '../output/redact';

/** A body start's characters (request and response each). */
export const BODY_START_CHARS = 1024;
export const URL_CHARS = 1024;
/** Headers kept per side, and the characters of each value. */
export const MAX_HEADERS = 32;
export const HEADER_VALUE_CHARS = 256;

/** Redacts `text` whole enough that no secret is cut, then cuts it to `limit` characters. */
function safeStart(text: string, limit: number, redactor: Redactor, margin: number): string {
  const head = text.length > limit + margin ? text.slice(0, limit + margin) : text;
  const safe = redactor.text(redactCredentialFields(head));
  return safe.length > limit ? safe.slice(0, limit) : safe;
}

function headerPairs(flat: ReadonlyArray<string | Buffer>, redactor: Redactor, margin: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length && out.length < MAX_HEADERS; i += 2) {
    const name = String(flat[i]).slice(0, 128);
    const value = typeof flat[i + 1] === 'string' ? (flat[i + 1] as string) : (flat[i + 1] as Buffer).toString('latin1');
    out.push([name, isCredentialName(name) ? REDACTED : safeStart(value, HEADER_VALUE_CHARS, redactor, margin)]);
  }
  return out;
}

/** The start of a possibly cut compressed body: zlib's sync flush decodes what the bytes hold. */
function decodeStart(bytes: Buffer, encoding: string | undefined): Buffer {
  const partial = { finishFlush: constants.Z_SYNC_FLUSH };
  try {
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(bytes, partial);
      case 'deflate':
        try {
          return inflateSync(bytes, partial);
        } catch {
          return inflateRawSync(bytes, partial);
        }
      case 'br':
        return brotliDecompressSync(bytes, { finishFlush: constants.BROTLI_OPERATION_FLUSH });
      default:
        return bytes;
    }
  } catch {
    return bytes;
  }
}

function firstBytes(chunks: readonly Buffer[], limit: number): Buffer {
  if (chunks.length === 1) return chunks[0].subarray(0, limit);
  const kept: Buffer[] = [];
  let size = 0;
  for (let i = 0; i < chunks.length && size < limit; i++) {
    kept.push(chunks[i]);
    size += chunks[i].length;
  }
  return Buffer.concat(kept).subarray(0, limit);
}

function headerValue(raw: readonly Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toString('latin1').toLowerCase() === name) return raw[i + 1].toString('latin1');
  return undefined;
}

/** The exchange's request and response, redacted and bounded; `url` is the full URL it went to. */
export function captureSample(ex: Exchange, url: string, redactor: Redactor, first: boolean): FailureSample {
  const margin = redactor.values[0]?.length ?? 0;
  const body = ex.body;
  const bodySize = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const requestText = body === null ? '' : typeof body === 'string' ? body.slice(0, 4 * (BODY_START_CHARS + margin)) : body.subarray(0, 4 * (BODY_START_CHARS + margin)).toString('utf8');
  const sample: FailureSample = {
    time: new Date().toISOString(),
    first,
    request: {
      method: ex.method,
      url: safeStart(url, URL_CHARS, redactor, margin),
      headers: headerPairs(ex.headers, redactor, margin),
      bodySize,
    },
    timings: { ...ex.timings },
  };
  if (requestText !== '') sample.request.bodyStart = safeStart(requestText, BODY_START_CHARS, redactor, margin);
  if (ex.status !== 0) {
    const raw = ex.rawHeaders ?? [];
    const chunks = ex.bodyChunks;
    const size = ex.keepBody ? chunks.reduce((n, c) => n + c.length, 0) : ex.failedBodyBytes;
    const bytes = firstBytes(chunks, FAILED_BODY_BYTES);
    const text = decodeStart(bytes, headerValue(raw, 'content-encoding')?.trim().toLowerCase()).toString('utf8');
    sample.response = { status: ex.status, headers: headerPairs(raw, redactor, margin), bodySize: size };
    if (text !== '') sample.response.bodyStart = safeStart(text, BODY_START_CHARS, redactor, margin);
  }
  if (ex.error !== undefined) sample.error = safeStart(ex.error.message, BODY_START_CHARS, redactor, margin);
  return sample;
}
