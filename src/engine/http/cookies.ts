// A VU's cookie jar (k6's per-VU jar): tough-cookie keeps the RFC 6265 rules (domain, path, expiry, Secure),
// through its synchronous API so a request costs no promise. The hot path asks the cheap questions first: a
// jar that never stored anything is not consulted, and responses are scanned for Set-Cookie in undici's raw
// header array without decoding the other headers.
import { Cookie, CookieJar } from 'tough-cookie';

/** Go's cookiejar, which k6 uses, sends Secure cookies over https only, loopback included; so do we. */
const JAR_OPTIONS = { allowSecureOnLocal: false } as const;
const SET_OPTIONS = { ignoreError: true } as const;

export class VUCookieJar {
  private jar: CookieJar | null = null;

  /** True while nothing was ever stored since the last clear: no lookup is needed. */
  get empty(): boolean {
    return this.jar === null;
  }

  clear(): void {
    this.jar = null;
  }

  /** Stores every `Set-Cookie` of a response; `url` is the request's. Malformed ones are ignored, as browsers do. */
  store(rawHeaders: Buffer[], url: string): void {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      if (!isSetCookie(rawHeaders[i])) continue;
      this.jar ??= new CookieJar(undefined, JAR_OPTIONS);
      this.jar.setCookieSync(rawHeaders[i + 1].toString('latin1'), url, SET_OPTIONS);
    }
  }

  /**
   * The `Cookie` header for `url`: the jar's cookies with `extra` (name, value pairs) replacing those of the
   * same name. Empty when there is none.
   */
  header(url: string, extra: ReadonlyArray<readonly [string, string]> | undefined): string {
    if (extra === undefined || extra.length === 0) return this.jar === null ? '' : this.jar.getCookieStringSync(url);
    let out = '';
    if (this.jar !== null) {
      for (const c of this.jar.getCookiesSync(url)) {
        if (extra.some(([name]) => name === c.key)) continue;
        out += (out === '' ? '' : '; ') + c.cookieString();
      }
    }
    for (const [name, value] of extra) out += (out === '' ? '' : '; ') + name + '=' + value;
    return out;
  }

  /** The value of cookie `name` the jar would send to `url`. */
  value(name: string, url: string): string | undefined {
    if (this.jar === null) return undefined;
    for (const c of this.jar.getCookiesSync(url)) if (c.key === name) return c.value;
    return undefined;
  }
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
