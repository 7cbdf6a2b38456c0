// A `multipart:` body (RFC 7578, as browsers write multipart/form-data): each part's head, each file's
// bytes and each constant field are laid out once into Buffers, consecutive ones merged; per request
// only templated fields are rendered, and the body is one Buffer.concat of the pieces.
import { randomBytes } from 'node:crypto';
import type { MultipartPart, Template, TemplateContext } from '../scenario/plan';

const CRLF = Buffer.from('\r\n');

/** A name or file name inside Content-Disposition's quotes, escaped as the WHATWG form encoder does. */
function quoted(text: string): string {
  return '"' + text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A') + '"';
}

function head(boundary: string, part: MultipartPart): Buffer {
  let text = `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}`;
  if (part.kind === 'file') text += `; filename=${quoted(part.filename)}\r\nContent-Type: ${part.contentType}`;
  return Buffer.from(text + '\r\n\r\n');
}

/** A boundary that none of the constant bytes contains (a fresh one per run, as browsers make one per form). */
function boundaryFor(parts: readonly MultipartPart[]): string {
  for (;;) {
    const boundary = `----VolleyFormBoundary${randomBytes(12).toString('hex')}`;
    const needle = Buffer.from(boundary);
    const clash = parts.some((p) =>
      p.kind === 'file' ? Buffer.from(p.content!.buffer, p.content!.byteOffset, p.content!.byteLength).includes(needle) : p.value.source.includes(boundary),
    );
    if (!clash) return boundary;
  }
}

export class MultipartBody {
  readonly contentType: string;
  /** Set when no field is a template. */
  readonly constant: Buffer | undefined;
  /** Buffers, and templates rendered per request, in order. */
  private readonly pieces: Array<Buffer | Template>;
  /** Reused per request: fill() is synchronous and Buffer.concat copies. */
  private readonly scratch: Buffer[] = [];

  constructor(parts: readonly MultipartPart[]) {
    for (const p of parts) {
      if (p.kind === 'file' && p.content === undefined) throw new Error(`multipart file "${p.path}" was not read before the run`);
    }
    const boundary = boundaryFor(parts);
    this.contentType = `multipart/form-data; boundary=${boundary}`;
    const pieces: Array<Buffer | Template> = [];
    const add = (piece: Buffer | Template): void => {
      const last = pieces[pieces.length - 1];
      if (Buffer.isBuffer(piece) && Buffer.isBuffer(last)) pieces[pieces.length - 1] = Buffer.concat([last, piece]);
      else pieces.push(piece);
    };
    for (const part of parts) {
      add(head(boundary, part));
      if (part.kind === 'file') add(Buffer.from(part.content!));
      else add(part.value.constant === undefined ? part.value : Buffer.from(part.value.constant));
      add(CRLF);
    }
    add(Buffer.from(`--${boundary}--\r\n`));
    this.pieces = pieces;
    this.constant = pieces.length === 1 && Buffer.isBuffer(pieces[0]) ? pieces[0] : undefined;
  }

  write(ctx: TemplateContext): Buffer {
    const pieces = this.pieces;
    const out = this.scratch;
    out.length = 0;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      out.push(Buffer.isBuffer(piece) ? piece : Buffer.from(piece.render(ctx)));
    }
    return Buffer.concat(out);
  }
}
