// A VU's cookie jar (k6's per-VU jar): tough-cookie keeps the RFC 6265 rules (domain, path, expiry, Secure),
// through its synchronous API so a request costs no promise. The hot path asks the cheap questions first: a
// jar that never stored anything is not consulted, and responses are scanned for Set-Cookie in undici's raw
// header array without decoding the other headers. tough-cookie's answer for a URL (about 5 µs, a tenth of a
// request's CPU) is kept until the jar changes or one of the cookies in it expires, so a session cookie sent
// on every request costs a Map lookup.
import { Cookie, CookieJar } from 'tough-cookie';

/** Go's cookiejar, which k6 uses, sends Secure cookies over https only, loopback included; so do we. */
const JAR_OPTIONS = { allowSecureOnLocal: false } as const;
const SET_OPTIONS = { ignoreError: true } as const;
/** RFC 6265 5.4: longer paths first, then older cookies first. */
const GET_OPTIONS = { sort: true } as const;
/** URLs whose answer is kept at once; templated URLs (`?page=N`) could otherwise grow it without bound. */
const MAX_KEPT_URLS = 64;

interface KeptAnswer {
  cookies: Cookie[];
  header: string;
  /** When the first of `cookies` expires (ms since the epoch; Infinity for session cookies only). */
  until: number;
}

export class VUCookieJar {
  private jar: CookieJar | null = null;
  private readonly kept = new Map<string, KeptAnswer>();

  /** True while nothing was ever stored since the last clear: no lookup is needed. */
  get empty(): boolean {
    return this.jar === null;
  }

  clear(): void {
    this.jar = null;
    this.kept.clear();
  }

  /** Stores every `Set-Cookie` of a response; `url` is the request's. Malformed ones are ignored, as browsers do. */
  store(rawHeaders: Buffer[], url: string): void {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      if (!isSetCookie(rawHeaders[i])) continue;
      const cookie = Cookie.parse(rawHeaders[i + 1].toString('latin1'));
      if (cookie === undefined) continue; // malformed: ignored, as browsers and Go's jar do
      fixMaxAge(cookie);
      this.jar ??= new CookieJar(undefined, JAR_OPTIONS);
      this.jar.setCookieSync(cookie, url, SET_OPTIONS);
      this.kept.clear();
    }
  }

  /**
   * The `Cookie` header for `url`: the jar's cookies with `extra` (name, value pairs) replacing those of the
   * same name. Empty when there is none.
   */
  header(url: string, extra: ReadonlyArray<readonly [string, string]> | undefined): string {
    const answer = this.answer(url);
    if (extra === undefined || extra.length === 0) return answer === undefined ? '' : answer.header;
    let out = '';
    if (answer !== undefined) {
      for (const c of answer.cookies) {
        if (extra.some(([name]) => name === c.key)) continue;
        out += (out === '' ? '' : '; ') + c.cookieString();
      }
    }
    for (const [name, value] of extra) out += (out === '' ? '' : '; ') + name + '=' + cookieValue(value);
    return out;
  }

  /** The value of cookie `name` the jar would send to `url`. */
  value(name: string, url: string): string | undefined {
    const answer = this.answer(url);
    if (answer === undefined) return undefined;
    for (const c of answer.cookies) if (c.key === name) return c.value;
    return undefined;
  }

  /** The cookies tough-cookie matches to `url`, kept while the jar is unchanged and none of them expired. */
  private answer(url: string): KeptAnswer | undefined {
    if (this.jar === null) return undefined;
    const now = Date.now();
    let answer = this.kept.get(url);
    if (answer !== undefined && now < answer.until) return answer;
    const cookies = this.jar.getCookiesSync(url, GET_OPTIONS);
    let until = Infinity;
    for (const c of cookies) {
      const expiry = c.expiryTime();
      if (expiry !== undefined && expiry < until) until = expiry;
    }
    answer = { cookies, header: cookies.map((c) => c.cookieString()).join('; '), until };
    if (this.kept.size >= MAX_KEPT_URLS) this.kept.clear();
    this.kept.set(url, answer);
    return answer;
  }
}

/**
 * RFC 6265 5.2.2: Max-Age fixes the expiry when the cookie is received. tough-cookie counts it from the
 * cookie's last access instead, so a cookie read more often than its Max-Age would never expire: store the
 * moment as Expires (which Max-Age overrides anyway). Max-Age <= 0 stays: it deletes.
 */
function fixMaxAge(cookie: Cookie): void {
  if (typeof cookie.maxAge !== 'number' || cookie.maxAge <= 0) return;
  cookie.expires = new Date(Date.now() + cookie.maxAge * 1000);
  cookie.maxAge = null;
}

/** Bytes a cookie value may not carry (Go's validCookieValueByte, which k6's request cookies go through). */
const INVALID_VALUE_BYTES = /[^\x20-\x7e]|[";\\]/g;

/**
 * A step's rendered cookie value as Go's net/http writes it for k6: bytes that would end or break the
 * cookie (`;`, `"`, `\`, controls, non-ASCII) dropped, and quotes around a value with a space or a comma.
 */
export function cookieValue(value: string): string {
  const clean = value.replace(INVALID_VALUE_BYTES, '');
  return clean.includes(' ') || clean.includes(',') ? `"${clean}"` : clean;
}

/** The value of the last `Set-Cookie` for `name` in a response (k6's `res.cookies[name]`), else undefined. */
export function setCookieValue(rawHeaders: Buffer[] | null, name: string): string | undefined {
  if (rawHeaders === null) return undefined;
  let value: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!isSetCookie(rawHeaders[i])) continue;
    const cookie = Cookie.parse(rawHeaders[i + 1].toString('latin1'));
    if (cookie?.key === name) value = cookie.value;
  }
  return value;
}

/** `set-cookie` in any case, checked on the bytes: a length test rejects almost every other header. */
function isSetCookie(name: Buffer): boolean {
  if (name.length !== 10) return false;
  for (let i = 0; i < 10; i++) if ((name[i] | 0x20) !== SET_COOKIE[i]) return false;
  return true;
}

const SET_COOKIE = Buffer.from('set-cookie');
