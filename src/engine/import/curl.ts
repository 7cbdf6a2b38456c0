// cURL commands as a browser's "Copy as cURL (bash)" and "Copy all as cURL" write them: commands split
// at unquoted newlines, `;` and `&&`; line continuations; bash's $'…' strings (Chromium writes a body with
// control characters or `!` that way); then each command's words from shell-quote, the parser most of npm
// uses for shell words, and curl's flags.
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse as parseShell, quote as quoteShell } from 'shell-quote';
import type { ImportContext } from './context';
import { HTTP_METHODS, ImportError, request, type HttpMethod, type ImportedDocument, type ImportedRequest, type MultipartPart, type SourceLocation } from './model';
import { addHeader, commonOrigin, fileRelativeToOutput, headerOf, removeHeader, setCookies, setTextBody, setUrl } from './request-parts';

export interface CurlOptions {
  /**
   * Where the files a command reads (`-d @file`, `-F name=@file`, `< file`) are relative to: the input
   * file's directory, where the commands were saved from the shell they ran in; the current one for stdin.
   */
  baseDir: string;
  /** Directory of the output file, which `file:` parts are written relative to. */
  outputDir: string;
}

interface CommandText {
  text: string;
  at: SourceLocation;
}

/** Flags that take a value: the next word, or the rest of a short flag's word (`-XPOST`). */
const VALUE_FLAGS = new Set([
  '-X', '--request', '-H', '--header', '-b', '--cookie', '-c', '--cookie-jar', '-d', '--data', '--data-ascii', '--data-raw',
  '--data-binary', '--data-urlencode', '--json', '-F', '--form', '--form-string', '-u', '--user', '-A', '--user-agent', '-e', '--referer',
  '-o', '--output', '-m', '--max-time', '--connect-timeout', '-x', '--proxy', '--url', '-T', '--upload-file', '--resolve', '--cacert',
  '--cert', '--key', '--retry', '--limit-rate', '-w', '--write-out', '-r', '--range', '--oauth2-bearer', '-U', '--proxy-user',
  '--max-redirs', '-K', '--config',
]);

/** Flags that change nothing a scenario can say, or say it by default (redirects, progress, output). */
const IGNORED_FLAGS = new Set([
  '-s', '--silent', '-S', '--show-error', '-L', '--location', '-v', '--verbose', '-i', '--include', '--http1.1', '--http2',
  '--http2-prior-knowledge', '-o', '--output', '-f', '--fail', '--fail-with-body', '-#', '--progress-bar', '-N', '--no-buffer',
  '-w', '--write-out', '--connect-timeout', '--retry', '--max-redirs', '--path-as-is', '-g', '--globoff', '-c', '--cookie-jar',
]);

export function importCurl(text: string, context: ImportContext, options: CurlOptions): ImportedDocument {
  const commands = splitCommands(text).filter((c) => c.text.trim() !== '');
  const parsed: Array<{ step: ImportedRequest; url: string }> = [];
  let insecureTls = false;
  for (const command of commands) {
    const result = parseCommand(command, context, options);
    if (!result) continue;
    parsed.push(result);
    insecureTls ||= result.insecure;
  }
  if (parsed.length === 0) throw new ImportError('no curl command found', { line: 1, column: 1 });
  const baseUrl = commonOrigin(parsed.map((p) => p.url));
  for (const { step, url } of parsed) setUrl(step, url, baseUrl, context);
  return {
    kind: 'curl',
    description: `${parsed.length} curl command${parsed.length === 1 ? '' : 's'}`,
    baseUrl,
    variables: {},
    flows: [{ name: 'curl', items: parsed.map((p) => p.step) }],
    insecureTls,
  };
}

/** The input cut into commands, with bash's quoting kept except $'…', which is decoded and requoted. */
export function splitCommands(text: string): CommandText[] {
  const commands: CommandText[] = [];
  let current = '';
  let line = 1;
  let column = 1;
  let start: SourceLocation = { line, column };
  const end = (): void => {
    commands.push({ text: current, at: start });
    current = '';
  };
  let i = 0;
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (text[i + k] === '\n') {
        line++;
        column = 1;
      } else column++;
    }
    i += n;
  };
  while (i < text.length) {
    const c = text[i];
    if (current.trim() === '' && /\s/.test(c) && c !== '\n') {
      advance(1);
      continue;
    }
    if (current.trim() === '') start = { line, column };
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      current += ' ';
      advance(text[i + 1] === '\r' ? 3 : 2);
    } else if (c === '\\') {
      current += text.slice(i, i + 2);
      advance(2);
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new ImportError("this ' is never closed", { line, column });
      current += text.slice(i, close + 1);
      advance(close + 1 - i);
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new ImportError('this " is never closed', { line, column });
      current += text.slice(i, j + 1);
      advance(j + 1 - i);
    } else if (c === '$' && text[i + 1] === "'") {
      const at = { line, column };
      let j = i + 2;
      while (j < text.length && text[j] !== "'") j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new ImportError("this $' is never closed", at);
      current += quoteShell([decodeAnsiC(text.slice(i + 2, j))]);
      advance(j + 1 - i);
    } else if (c === '#' && (current === '' || /\s$/.test(current))) {
      const newline = text.indexOf('\n', i);
      advance((newline < 0 ? text.length : newline) - i);
    } else if (c === '\n' || c === ';' || (c === '&' && text[i + 1] === '&')) {
      end();
      advance(c === '&' ? 2 : 1);
    } else {
      current += c;
      advance(1);
    }
  }
  end();
  return commands;
}

/** bash's $'…' escapes, as Chromium writes them (\n, \r, \', \\, \uXXXX) and the rest of bash's. */
function decodeAnsiC(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/gs, (_, e: string) => {
    switch (e[0]) {
      case 'u':
      case 'U':
      case 'x':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'e':
      case 'E':
        return '\x1b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      default:
        return /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}

/** A command's words, and the file `< file` gives its standard input (what `-d @-` reads). */
function wordsOf(command: CommandText, context: ImportContext): { words: string[]; stdinFile?: string } {
  const words: string[] = [];
  let stdinFile: string | undefined;
  // A `$NAME` stays as written: the import must not read this process's environment into the file.
  const entries = parseShell(command.text, (name) => `$${name}`);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (typeof entry === 'string') words.push(entry);
    else if ('pattern' in entry) words.push(entry.pattern);
    else if ('op' in entry && entry.op === '<' && typeof entries[i + 1] === 'string') stdinFile = entries[++i] as string;
    else if ('op' in entry) context.warn(`the shell operator "${entry.op}" is not part of a request: ignored`, command.at);
  }
  return { words, stdinFile };
}

/** Bodies read from files are inlined up to this size: a scenario's body is text in the file. */
const MAX_INLINE_BODY_BYTES = 64 * 1024;

type FileText = { ok: true; text: string } | { ok: false; reason: string };

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory' };

/** The text of a file a command sends (`@-` is its standard input, which `< file` gives), or why it is left out. */
function readCommandFile(name: string, stdinFile: string | undefined, options: CurlOptions): FileText {
  if (name === '-' && stdinFile === undefined) return { ok: false, reason: 'reads standard input, which the command does not redirect from a file' };
  const path = name === '-' ? stdinFile! : name;
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(options.baseDir, path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return { ok: false, reason: `cannot read ${path} (${READ_ERRORS[code] ?? (code || 'unreadable')}; files are read relative to the input's directory)` };
  }
  if (bytes.length > MAX_INLINE_BODY_BYTES) return { ok: false, reason: `${path} is ${bytes.length} bytes, more than the 64 KiB a step's body holds inline` };
  const text = bytes.toString('utf8');
  if (bytes.includes(0) || text.includes('\uFFFD')) return { ok: false, reason: `${path} is binary, and a step's body is text (send files as multipart parts)` };
  return { ok: true, text };
}

interface CurlRequest {
  method?: HttpMethod;
  /** -T: a PUT unless -X says otherwise, of the file's text (when it could be read); curl puts its name after a URL ending with /. */
  upload?: { text?: string; name?: string };
  /** A data flag was given, even one whose file could not be read: curl then still POSTs. */
  hasData: boolean;
  url?: string;
  headers: Array<[string, string]>;
  cookies: string[];
  data: string[];
  /** --data-raw / --data-binary / -d bodies were given (a form unless a Content-Type says otherwise). */
  form: Array<[string, string]>;
  user?: string;
  get: boolean;
  head: boolean;
  compressed: boolean;
  insecure: boolean;
  timeout?: string;
}

function parseCommand(command: CommandText, context: ImportContext, options: CurlOptions): { step: ImportedRequest; url: string; insecure: boolean } | undefined {
  const { words, stdinFile } = wordsOf(command, context);
  if (words.length === 0) return undefined;
  if (words[0] !== 'curl') throw new ImportError(`expected a curl command, found "${words[0]}"`, command.at);
  const r: CurlRequest = { hasData: false, headers: [], cookies: [], data: [], form: [], get: false, head: false, compressed: false, insecure: false };
  // Warned once the step exists, so that each is also a comment above it.
  const pending: string[] = [];
  const warn = (message: string): void => void pending.push(message);
  for (let i = 1; i < words.length; i++) {
    let flag = words[i];
    let value: string | undefined;
    if (flag.startsWith('--') && flag.includes('=') && VALUE_FLAGS.has(flag.slice(0, flag.indexOf('=')))) {
      value = flag.slice(flag.indexOf('=') + 1);
      flag = flag.slice(0, flag.indexOf('='));
    } else if (/^-[A-Za-z#]/.test(flag) && !flag.startsWith('--') && flag.length > 2) {
      // -XPOST, or several boolean letters together: -sSL, -sk.
      if (VALUE_FLAGS.has(flag.slice(0, 2))) {
        value = flag.slice(2);
        flag = flag.slice(0, 2);
      } else {
        const letters = flag.slice(1).split('');
        words.splice(i, 1, ...letters.map((l) => `-${l}`));
        flag = words[i];
      }
    }
    if (!flag.startsWith('-') || flag === '-') {
      if (r.url === undefined) r.url = flag;
      else warn(`a second URL "${flag}" in one command is not imported`);
      continue;
    }
    if (VALUE_FLAGS.has(flag) && value === undefined) {
      if (i + 1 >= words.length) throw new ImportError(`${flag} needs a value`, command.at);
      value = words[++i];
    }
    switch (flag) {
      case '-X':
      case '--request': {
        const method = value!.toLowerCase();
        if (!(HTTP_METHODS as readonly string[]).includes(method)) {
          throw new ImportError(`-X ${value}: Volley sends GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS`, command.at);
        }
        r.method = method as HttpMethod;
        break;
      }
      case '--url':
        r.url = value;
        break;
      case '-H':
      case '--header': {
        const colon = value!.indexOf(':');
        if (colon <= 0) {
          if (!value!.endsWith(';')) warn(`-H "${value}" is not "Name: value": left out`);
          break;
        }
        r.headers.push([value!.slice(0, colon).trim(), value!.slice(colon + 1).trim()]);
        break;
      }
      case '-A':
      case '--user-agent':
        r.headers.push(['User-Agent', value!]);
        break;
      case '-e':
      case '--referer':
        r.headers.push(['Referer', value!]);
        break;
      case '--oauth2-bearer':
        r.headers.push(['Authorization', `Bearer ${value}`]);
        break;
      case '-b':
      case '--cookie':
        if (value!.includes('=')) r.cookies.push(value!);
        else warn(`-b ${value} reads cookies from a file: not imported (the VU's jar keeps the cookies responses set)`);
        break;
      case '-d':
      case '--data':
      case '--data-ascii':
      case '--data-binary':
      case '--json': {
        r.hasData = true;
        let data = value!;
        if (data.startsWith('@')) {
          const read = readCommandFile(data.slice(1), stdinFile, options);
          if (!read.ok) {
            warn(`${flag} ${data}: ${read.reason}: the step has no body from it`);
            break;
          }
          data = read.text;
        }
        // -d strips a file's line breaks as curl does; --data-binary and --json send it as it is.
        r.data.push(flag === '--data-binary' || flag === '--json' || !value!.startsWith('@') ? data : data.replace(/[\r\n]/g, ''));
        if (flag === '--json') r.headers.push(['Content-Type', 'application/json'], ['Accept', 'application/json']);
        break;
      }
      case '--data-raw':
        r.hasData = true;
        r.data.push(value!);
        break;
      case '--data-urlencode': {
        r.hasData = true;
        const encoded = urlencodeData(value!, (file) => readCommandFile(file, stdinFile, options), warn);
        if (encoded !== undefined) r.data.push(encoded);
        break;
      }
      case '-T':
      case '--upload-file': {
        const read = readCommandFile(value!, stdinFile, options);
        if (!read.ok) warn(`${flag} ${value}: ${read.reason}: the step has no body from it`);
        r.upload = { text: read.ok ? read.text : undefined, name: value === '-' ? undefined : basename(value!) };
        break;
      }
      case '-F':
      case '--form':
      case '--form-string': {
        const eq = value!.indexOf('=');
        if (eq <= 0) throw new ImportError(`${flag} "${value}" is not name=value`, command.at);
        r.form.push([value!.slice(0, eq), flag === '--form-string' ? `\0${value!.slice(eq + 1)}` : value!.slice(eq + 1)]);
        break;
      }
      case '-u':
      case '--user':
        r.user = value;
        break;
      case '-G':
      case '--get':
        r.get = true;
        break;
      case '-I':
      case '--head':
        r.head = true;
        break;
      case '--compressed':
        r.compressed = true;
        break;
      case '-k':
      case '--insecure':
        r.insecure = true;
        break;
      case '-m':
      case '--max-time':
        if (/^\d+(\.\d+)?$/.test(value!) && Number(value) > 0) r.timeout = `${Math.round(Number(value) * 1000)}ms`;
        break;
      default:
        if (!IGNORED_FLAGS.has(flag)) warn(`curl flag ${flag}${value !== undefined ? ` ${value}` : ''} has no equivalent in a scenario: ignored`);
    }
  }
  if (r.url === undefined) throw new ImportError('this curl command has no URL', command.at);
  let url = r.upload?.name !== undefined && r.url.endsWith('/') ? r.url + r.upload.name : r.url;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `http://${url}`;
  if (!/^https?:\/\//i.test(url)) throw new ImportError(`"${r.url}": Volley sends http:// and https:// requests only`, command.at);
  try {
    new URL(url);
  } catch {
    throw new ImportError(`"${r.url}" is not a valid URL`, command.at);
  }
  if (r.get && r.data.length > 0) {
    url += (url.includes('?') ? '&' : '?') + r.data.join('&');
    r.data = [];
  }
  const method: HttpMethod = r.method ?? (r.head ? 'head' : r.get ? 'get' : r.upload ? 'put' : r.hasData || r.form.length > 0 ? 'post' : 'get');
  const step = request(method, url, command.at);
  for (const message of pending) context.warn(message, command.at, step);
  for (const [name, value] of r.headers) addHeader(step, name, value, context);
  for (const cookies of r.cookies) {
    if (!setCookies(step, cookies, context)) context.warn(`-b "${cookies}" is not a list of name=value cookies: left out`, command.at, step);
  }
  if (r.user !== undefined) {
    const colon = r.user.indexOf(':');
    if (colon < 0) context.warn('-u without a password: curl would ask for it; the password comes from env', command.at, step);
    step.headers = { ...step.headers, Authorization: `Basic ${context.basicAuth(colon < 0 ? r.user : r.user.slice(0, colon), colon < 0 ? `password of ${r.user}` : r.user.slice(colon + 1))}` };
  }
  if (r.compressed && headerOf(step, 'accept-encoding') === undefined) {
    // What the engine can decode (curl --compressed would also offer zstd).
    step.headers = { ...step.headers, 'Accept-Encoding': 'gzip, deflate, br' };
  }
  if (r.form.length > 0) {
    if (r.data.length > 0) context.warn('-F and -d together: curl refuses this; the -d data is left out', command.at, step);
    step.body = { kind: 'multipart', parts: multipartParts(r.form, step, context, options, stdinFile) };
    removeHeader(step, 'content-type');
  } else if (r.data.length > 0) {
    setTextBody(step, r.data.join('&'), context, true);
  } else if (r.upload?.text !== undefined) {
    setTextBody(step, r.upload.text, context);
  }
  if (r.timeout) context.warn(`-m: the step's timeout would be ${r.timeout}; add timeout: ${r.timeout} if you want it`, command.at, step);
  return { step, url, insecure: r.insecure };
}

/** curl's --data-urlencode forms: `content`, `=content`, `name=content`, `@file`, `name@file`. */
function urlencodeData(value: string, readFile: (name: string) => FileText, warn: (message: string) => void): string | undefined {
  const eq = value.indexOf('=');
  const at = value.indexOf('@');
  if (at >= 0 && (eq < 0 || at < eq)) {
    const read = readFile(value.slice(at + 1));
    if (!read.ok) {
      warn(`--data-urlencode ${value}: ${read.reason}: left out of the body`);
      return undefined;
    }
    const name = value.slice(0, at);
    return name === '' ? encodeURIComponent(read.text) : `${name}=${encodeURIComponent(read.text)}`;
  }
  if (eq < 0) return encodeURIComponent(value);
  const name = value.slice(0, eq);
  const encoded = encodeURIComponent(value.slice(eq + 1));
  return name === '' ? encoded : `${name}=${encoded}`;
}

/** -F parts: `name=text`, `name=@file;type=…;filename=…` (a file part relative to the output), `name=<file`. */
function multipartParts(form: Array<[string, string]>, step: ImportedRequest, context: ImportContext, options: CurlOptions, stdinFile: string | undefined): Record<string, MultipartPart> {
  const parts: Record<string, MultipartPart> = {};
  for (const [name, raw] of form) {
    if (Object.hasOwn(parts, name)) {
      context.warn(`-F ${name} is given twice: a multipart map holds each name once, the first is kept`, undefined, step);
      continue;
    }
    if (raw.startsWith('\0')) {
      parts[name] = raw.slice(1);
      continue;
    }
    if (raw.startsWith('<')) {
      const [path] = raw.slice(1).split(';');
      const read = readCommandFile(path!, stdinFile, options);
      if (read.ok) parts[name] = context.namedValue(name, read.text, `the form field ${name}`);
      else context.warn(`-F ${name}=<${path}: ${read.reason}: the field is left out`, undefined, step);
      continue;
    }
    if (!raw.startsWith('@')) {
      parts[name] = context.namedValue(name, raw.split(';')[0], `the form field ${name}`);
      continue;
    }
    const [path, ...attributes] = raw.slice(1).split(';');
    const file = fileRelativeToOutput(path!, options.baseDir, options.outputDir);
    if (file === undefined) {
      context.warn(`-F ${name}=@${path}: no such file relative to the input's directory, so the part is left out (a scenario's files must exist to validate)`, undefined, step);
      continue;
    }
    const part: { file: string; contentType?: string; filename?: string } = { file };
    for (const attribute of attributes) {
      const [key, ...rest] = attribute.split('=');
      if (key.trim() === 'type') part.contentType = rest.join('=');
      if (key.trim() === 'filename') part.filename = rest.join('=').replace(/^"|"$/g, '');
    }
    parts[name] = part;
  }
  return parts;
}

export function outputDirOf(outputFile: string | undefined, cwd: string): string {
  return outputFile ? dirname(resolve(cwd, outputFile)) : cwd;
}
