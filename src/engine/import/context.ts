// One import's bookkeeping: the warnings it collects and the secrets it moves out of the file. A secret
// (a token, a password, a session cookie) is never written: it becomes `{{ env.NAME }}`, the same value
// always the same NAME, and the names are listed in the output's header comment.
import type { ImportWarning, ImportedRequest, SourceLocation } from './model';

/** Last words of names (headers, fields, parameters, cookies) whose values are credentials. */
const SECRET_LAST_WORD = /^(.*(token|password|passwd|secret|sessid|sessionid)|pass|pwd|passphrase|auth|authorization|session|sid|jwt|credentials?|signature|csrf|xsrf|apikey|cookie)$/;
/** Words before a last word `key` that make it a credential: api_key, private-key, X-Access-Key. */
const KEY_QUALIFIERS = new Set(['api', 'private', 'secret', 'access', 'auth', 'subscription', 'license']);

/**
 * Whether a name says its value is a credential, by its last word: `access_token`, `X-API-Key`,
 * `PHPSESSID`, `password`, but not `token_type`, `secret_scanning` or `bypass_mode`.
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (last === 'key') return words.length === 1 || KEY_QUALIFIERS.has(words[words.length - 2]);
  return SECRET_LAST_WORD.test(last);
}

/** `x-api-key` → `X_API_KEY`: an environment variable name from any text. */
export function envNameOf(text: string): string {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return name === '' ? 'SECRET' : /^\d/.test(name) ? `_${name}` : name;
}

export class ImportContext {
  readonly warnings: ImportWarning[] = [];
  /** Warnings about no one step (what a filter left out): written in the header comment. */
  readonly fileWarnings: string[] = [];
  /** Notes for the header comment that are not warnings. */
  readonly fileNotes: string[] = [];
  /** How many warnings are written above a step. */
  stepWarnings = 0;
  private readonly envBySecret = new Map<string, string>();
  private readonly envWhat = new Map<string, string>();

  /** A warning for stderr, and a comment above `step` when there is one. */
  warn(message: string, at?: SourceLocation, step?: ImportedRequest): void {
    this.warnings.push({ message, at: at ?? step?.at });
    if (step) {
      step.notes.push(`warning: ${message}`);
      this.stepWarnings++;
    } else {
      this.fileWarnings.push(message);
    }
  }

  note(text: string): void {
    this.fileNotes.push(text);
  }

  /**
   * The environment variable that stands for `value`: one name per distinct value, from `suggested`
   * (made unique). `what` says in the header comment what to set it to.
   */
  secretEnv(value: string, suggested: string, what: string): string {
    const known = this.envBySecret.get(value);
    if (known) return known;
    const base = envNameOf(suggested);
    let name = base;
    for (let n = 2; this.envWhat.has(name); n++) name = `${base}_${n}`;
    this.envBySecret.set(value, name);
    this.envWhat.set(name, what);
    return name;
  }

  /** `{{ env.NAME }}` for a secret value. */
  secretTemplate(value: string, suggested: string, what: string): string {
    return `{{ env.${this.secretEnv(value, suggested, what)} }}`;
  }

  /** The environment variables the scenario reads, with what each holds. */
  get envVariables(): Array<{ name: string; what: string }> {
    return [...this.envWhat].map(([name, what]) => ({ name, what }));
  }

  /**
   * A request header's value with any credential replaced: `Bearer {{ env.BEARER_TOKEN }}`, Basic
   * credentials as `base64(user + ':' + env.PASSWORD)`, an API key header as `{{ env.X_API_KEY }}`.
   */
  headerValue(name: string, value: string): string {
    const lower = name.toLowerCase();
    if (value.includes('{{')) return value; // Already a template (a variable or a capture of the source).
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const [scheme, ...rest] = value.trim().split(/\s+/);
      const credentials = rest.join(' ');
      if (credentials === '') return this.secretTemplate(value, `${name}`, `the ${name} header's value`);
      if (scheme.toLowerCase() === 'basic') return `Basic ${this.basicCredentials(credentials)}`;
      const envBase = scheme.toLowerCase() === 'bearer' ? 'BEARER_TOKEN' : `${scheme}_TOKEN`;
      return `${scheme} ${this.secretTemplate(credentials, envBase, `the ${scheme} token`)}`;
    }
    if (isSecretName(name)) return this.secretTemplate(value, name, `the ${name} header's value`);
    return value;
  }

  /** Basic credentials (base64 `user:password`) as a template: the user kept, the password from env. */
  basicCredentials(encoded: string): string {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return this.secretTemplate(encoded, 'BASIC_CREDENTIALS', 'the Basic credentials, base64 of user:password');
    return this.basicAuth(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  /** `{{ base64('alice:' + env.PASSWORD) }}`, or the user from env too when it cannot be quoted plainly. */
  basicAuth(user: string, password: string): string {
    const passwordEnv = this.secretEnv(password, 'PASSWORD', `the password of ${/^[\w.@+-]+$/.test(user) ? user : 'the Basic user'}`);
    const userText = /^[\w.@+-]*$/.test(user) ? `'${user}:'` : `env.${this.secretEnv(user, 'BASIC_USER', 'the Basic user')} + ':'`;
    return `{{ base64(${userText} + env.${passwordEnv}) }}`;
  }

  /** A form field, query parameter or cookie value: from env when its name says it is a credential. */
  namedValue(name: string, value: string, what: string): string {
    if (value === '' || value.includes('{{') || !isSecretName(name)) return value;
    return this.secretTemplate(value, name, what);
  }

  /** A JSON body with the string leaves under credential names (`password`, `token`) from env. */
  jsonValue(value: unknown, key = ''): unknown {
    if (Array.isArray(value)) return value.map((v) => this.jsonValue(v, key));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.jsonValue(v, k)]));
    }
    if (typeof value === 'string' && key !== '') return this.namedValue(key, value, `the JSON field ${key}`);
    return value;
  }
}
