// The `{{ … }}` of the sources that have their own (.http files, Postman) rewritten as Volley templates,
// and a JSON body read with templates where a value would be (`{"id": {{id}}}`), which is not JSON.
import type { ImportContext } from './context';
import type { ImportedRequest, SourceLocation } from './model';

/** Rewrites one `{{ inner }}` of the source (inner trimmed) into Volley template text, or '' to drop it. */
export type TemplateRewriter = (inner: string, step: ImportedRequest | undefined) => string;

const SOURCE_TEMPLATE = /\{\{(.+?)\}\}/g;

export function rewriteTemplates(text: string, rewrite: TemplateRewriter, step?: ImportedRequest): string {
  return text.replace(SOURCE_TEMPLATE, (_, inner: string) => rewrite(inner.trim(), step));
}

const MARKER = '\uE000';

/**
 * A JSON body whose templates (already Volley's, `{{ expr }}`) may stand where a value would: each
 * becomes a string for the parse and is put back after, so `{"id": {{ id }}}` is `json: { id: "{{ id }}" }`
 * (a string that is one template keeps the value's type when sent). Undefined when it is not JSON even so.
 */
export function parseJsonWithTemplates(text: string): { value: unknown } | undefined {
  const templates: string[] = [];
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' && text[i + 1] === '{') {
      const close = text.indexOf('}}', i + 2);
      if (close > 0) {
        templates.push(text.slice(i, close + 2));
        const marker = `${MARKER}${templates.length - 1}${MARKER}`;
        out += inString ? marker : `"${marker}"`;
        i = close + 1;
        continue;
      }
    }
    if (inString && c === '\\') {
      out += text.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
  }
  let value: unknown;
  try {
    value = JSON.parse(out);
  } catch {
    return undefined;
  }
  const restore = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(new RegExp(`${MARKER}(\\d+)${MARKER}`, 'g'), (_, n: string) => templates[Number(n)]);
    if (Array.isArray(v)) return v.map(restore);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [restore(k) as string, restore(x)]));
    return v;
  };
  return { value: restore(value) };
}

/**
 * A system or dynamic variable of REST Client, httpyac or Postman (`$guid`, `$randomInt 1 10`,
 * `$isoTimestamp`, `$processEnv NAME`) as a Volley template, or undefined when Volley has no helper.
 */
export function systemTemplate(name: string, args: string, context: ImportContext, at: SourceLocation | undefined, step: ImportedRequest): string | undefined {
  switch (name) {
    case 'guid':
    case 'uuid':
    case 'randomUUID':
      return '{{ uuid() }}';
    case 'randomInt': {
      if (args === '') return '{{ randomInt(0, 1000) }}'; // Postman's: 0 to 1000.
      const [min, max] = args.split(/\s+/).map(Number);
      // REST Client's max is exclusive, Volley's randomInt includes both ends.
      if (Number.isInteger(min) && Number.isInteger(max)) return `{{ randomInt(${min}, ${max - 1}) }}`;
      return undefined;
    }
    case 'isoTimestamp':
      return '{{ isoTime() }}';
    case 'datetime':
      return /^iso8601/.test(args) ? '{{ isoTime() }}' : undefined;
    case 'timestamp':
      context.warn(`{{$timestamp}} is in seconds; Volley has now() in milliseconds, used here`, at, step);
      return '{{ now() }}';
    case 'processEnv':
    case 'dotenv': {
      const variable = args.replace(/^%/, '');
      return `{{ env.${context.secretEnv(`\0env:${variable}`, variable, `the environment variable ${variable}`)} }}`;
    }
    default:
      return undefined;
  }
}

/** A variable the source does not define (one of its environments'): read from env, with a warning. */
export function undefinedVariable(inner: string, source: string, context: ImportContext, at: SourceLocation | undefined, step: ImportedRequest): string {
  if (!/^[A-Za-z_][\w.-]*$/.test(inner)) {
    context.warn(`{{${inner}}} cannot be converted: left out`, at, step);
    return '';
  }
  const env = context.secretEnv(`\0var:${inner}`, inner, `{{${inner}}} of the ${source}'s environment`);
  context.warn(`{{${inner}}} is not defined in the ${source} (one of its environments?): read from env.${env}`, at, step);
  return `{{ env.${env} }}`;
}
