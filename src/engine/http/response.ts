// Reading a response for checks and captures, lazily and at most once per response: the headers are
// searched in undici's raw array, the body is joined, decoded (gzip, deflate, br) and parsed only when
// a check or capture asks for it.
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { Exchange } from './exchange';

export class ResponseView {
  private ex: Exchange | null = null;
  private text: string | undefined = undefined;
  private json: unknown = undefined;
  private jsonParsed = false;

  reset(ex: Exchange): void {
    this.ex = ex;
    this.text = undefined;
    this.json = undefined;
    this.jsonParsed = false;
  }

  get status(): number {
    return this.ex ? this.ex.status : 0;
  }

  /** The first value of a header; `name` in lower case. */
  header(name: string): string | undefined {
    const raw = this.ex?.rawHeaders;
    if (!raw) return undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i];
      if (key.length === name.length && key.toString('latin1').toLowerCase() === name) return raw[i + 1].toString('latin1');
    }
    return undefined;
  }

  /** True when some value of the header equals `value`; `name` in lower case. */
  headerEquals(name: string, value: string): boolean {
    const raw = this.ex?.rawHeaders;
    if (!raw) return false;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i];
      if (key.length === name.length && key.toString('latin1').toLowerCase() === name && raw[i + 1].toString('latin1') === value) return true;
    }
    return false;
  }

  bodyText(): string {
    if (this.text !== undefined) return this.text;
    const chunks = this.ex?.bodyChunks;
    if (!chunks || chunks.length === 0) return (this.text = '');
    let bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const encoding = this.header('content-encoding');
    if (encoding) bytes = decode(bytes, encoding.trim().toLowerCase());
    return (this.text = bytes.toString('utf8'));
  }

  /** The body parsed as JSON; undefined when it is not JSON. */
  bodyJson(): unknown {
    if (this.jsonParsed) return this.json;
    this.jsonParsed = true;
    const text = this.bodyText();
    if (text === '') return undefined;
    try {
      this.json = JSON.parse(text);
    } catch {
      this.json = undefined;
    }
    return this.json;
  }
}

function decode(bytes: Buffer, encoding: string): Buffer {
  try {
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(bytes);
      case 'deflate':
        try {
          return inflateSync(bytes);
        } catch {
          return inflateRawSync(bytes); // servers that send raw deflate without the zlib wrapper
        }
      case 'br':
        return brotliDecompressSync(bytes);
      default:
        return bytes;
    }
  } catch {
    return bytes;
  }
}
