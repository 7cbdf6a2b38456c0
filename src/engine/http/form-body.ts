// A `form:` body, application/x-www-form-urlencoded as URLSearchParams (and so browsers) write it:
// UTF-8, every byte but ASCII letters, digits and `*-._` percent-encoded, a space as `+`. Names and
// constant values are encoded once; per request only templated values are rendered and encoded.
import type { Template, TemplateContext } from '../scenario/plan';

/** What encodeURIComponent leaves as it is but the form encoding escapes. */
const KEPT_BY_URI_COMPONENT = /[!'()~]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SPACE = /%20/g;

function escapeKept(c: string): string {
  return '%' + c.charCodeAt(0).toString(16).toUpperCase();
}

/** One name or value as URLSearchParams encodes it (a lone surrogate becomes U+FFFD, as there). */
export function formEncode(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD')).replace(SPACE, '+').replace(KEPT_BY_URI_COMPONENT, escapeKept);
}

export class FormBody {
  /** Set when no value is a template. */
  readonly constant: string | undefined;
  /** `name=` with the separator before it, encoded. */
  private readonly prefixes: string[];
  private readonly values: Template[];
  /** Encoded constant values, '' where a template is rendered per request. */
  private readonly encoded: string[];

  constructor(fields: ReadonlyArray<readonly [string, Template]>) {
    this.prefixes = fields.map(([name], i) => (i ? '&' : '') + formEncode(name) + '=');
    this.values = fields.map(([, value]) => value);
    this.encoded = this.values.map((t) => (t.constant === undefined ? '' : formEncode(t.constant)));
    this.constant = this.values.every((t) => t.constant !== undefined) ? this.prefixes.map((p, i) => p + this.encoded[i]).join('') : undefined;
  }

  write(ctx: TemplateContext): string {
    const prefixes = this.prefixes;
    const values = this.values;
    let out = '';
    for (let i = 0; i < prefixes.length; i++) {
      const t = values[i];
      out += prefixes[i] + (t.constant === undefined ? formEncode(t.render(ctx)) : this.encoded[i]);
    }
    return out;
  }
}
