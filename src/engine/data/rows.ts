// Reading one row of a data file out of its bytes, when an iteration first reads one of its columns.
// Hand-written rather than csv-parse or JSON.parse over the whole file: the file was validated and
// indexed once when it was loaded (./load.ts, with csv-parse for CSV); per iteration only one record's
// bytes are walked, without a parser's set-up, so a 1,000,000-row file costs its bytes and a small
// index, not a million JavaScript objects.

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** Past the record delimiters (and empty lines, which csv-parse skips) at `pos`. */
export function skipLineBreaks(bytes: Uint8Array, pos: number, end: number): number {
  while (pos < end && (bytes[pos] === CR || bytes[pos] === LF)) pos++;
  return pos;
}

/** Where the CSV record starting at `pos` ends, its delimiter included (`pos` is past empty lines). */
export function csvRecordEnd(bytes: Uint8Array, pos: number, end: number): number {
  let quoted = false;
  while (pos < end) {
    const b = bytes[pos++];
    if (quoted) {
      if (b === QUOTE) quoted = false; // `""` inside quotes toggles twice
    } else if (b === QUOTE) {
      quoted = true;
    } else if (b === LF) {
      return pos;
    } else if (b === CR) {
      return pos < end && bytes[pos] === LF ? pos + 1 : pos;
    }
  }
  return pos;
}

/** The fields of the CSV record at `pos` (RFC 4180: quoted fields, `""` for a quote), as text. */
export function decodeCsvRecord(buffer: Buffer, pos: number, end: number): string[] {
  const fields: string[] = [];
  for (;;) {
    if (pos < end && buffer[pos] === QUOTE) {
      const start = pos + 1;
      let doubled = false;
      pos = start;
      for (;;) {
        if (pos >= end) break;
        if (buffer[pos] === QUOTE) {
          if (pos + 1 < end && buffer[pos + 1] === QUOTE) {
            doubled = true;
            pos += 2;
            continue;
          }
          break;
        }
        pos++;
      }
      const text = buffer.toString('utf8', start, pos);
      fields.push(doubled ? text.replaceAll('""', '"') : text);
      pos++; // the closing quote
    } else {
      const start = pos;
      while (pos < end && buffer[pos] !== COMMA && buffer[pos] !== CR && buffer[pos] !== LF) pos++;
      fields.push(buffer.toString('utf8', start, pos));
    }
    if (pos < end && buffer[pos] === COMMA) {
      pos++;
      continue;
    }
    return fields;
  }
}

/**
 * Where the JSON value at `pos` ends (`pos` at its first byte). The file was validated by JSON.parse,
 * element by element, when it was loaded, so only strings and nesting need following here.
 */
export function jsonValueEnd(bytes: Uint8Array, pos: number, end: number): number {
  let depth = 0;
  while (pos < end) {
    const b = bytes[pos];
    if (b === QUOTE) {
      pos++;
      while (pos < end && bytes[pos] !== QUOTE) pos += bytes[pos] === 0x5c ? 2 : 1;
      pos++;
      if (depth === 0) return pos;
      continue;
    }
    if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) {
      if (depth === 0) return pos; // the end of the enclosing array
      depth--;
      if (depth === 0) return pos + 1;
    } else if (depth === 0 && (b === COMMA || b === 0x20 || b === 0x09 || b === CR || b === LF)) {
      return pos;
    }
    pos++;
  }
  return pos;
}

/** Past JSON whitespace and at most one `,` between array elements. */
export function skipJsonSeparator(bytes: Uint8Array, pos: number, end: number): number {
  let comma = false;
  while (pos < end) {
    const b = bytes[pos];
    if (b === 0x20 || b === 0x09 || b === CR || b === LF) pos++;
    else if (b === COMMA && !comma) {
      comma = true;
      pos++;
    } else break;
  }
  return pos;
}
