// What a template can read besides the file's variables and captures: the built-ins and the helpers, each
// described once. The template compiler (names, arity), rename (names no variable may take), completion,
// hover, the TextMate grammar and docs/scenario-format.md read this list; template.ts adds the helpers'
// implementations by name.

export interface BuiltinDescription {
  name: string;
  /** How a template writes it: `env` is read as `env.NAME` or `env['NAME']`. */
  forms: readonly string[];
  type: 'number' | 'string';
  /** One sentence or two, markdown: hover, completion and the docs show this text. */
  doc: string;
}

export const TEMPLATE_BUILTIN_DESCRIPTIONS = [
  { name: 'vu', forms: ['vu'], type: 'number', doc: 'The VU\'s number, from 1 (k6\'s `__VU`).' },
  {
    name: 'iteration',
    forms: ['iteration'],
    type: 'number',
    doc: 'The VU\'s iteration number in this scenario, from 0 (k6\'s `__ITER`).',
  },
  { name: 'scenario', forms: ['scenario'], type: 'string', doc: 'The name of the running scenario.' },
  {
    name: 'env',
    forms: ['env.NAME', 'env[\'NAME\']'],
    type: 'string',
    doc:
      'An environment variable: `volley run -e NAME=VALUE`, else the process environment; empty when unset ' +
      '(k6\'s `__ENV`). Values read this way are secrets: they are redacted in all output.',
  },
] as const satisfies readonly BuiltinDescription[];

export type BuiltinName = (typeof TEMPLATE_BUILTIN_DESCRIPTIONS)[number]['name'];

export const TEMPLATE_BUILTIN_NAMES: readonly BuiltinName[] = TEMPLATE_BUILTIN_DESCRIPTIONS.map((b) => b.name);

export interface HelperDescription {
  name: string;
  /** As the docs and completion show it; its parameter names become completion's placeholders. */
  signature: string;
  doc: string;
  minArgs: number;
  maxArgs: number;
}

export const TEMPLATE_HELPER_DESCRIPTIONS = [
  { name: 'randomInt', signature: 'randomInt(min, max)', doc: 'A random integer between min and max, both included.', minArgs: 2, maxArgs: 2 },
  { name: 'randomString', signature: 'randomString(length)', doc: 'A random string of letters and digits.', minArgs: 1, maxArgs: 1 },
  { name: 'uuid', signature: 'uuid()', doc: 'A random UUID (version 4).', minArgs: 0, maxArgs: 0 },
  { name: 'now', signature: 'now()', doc: 'The current time in milliseconds since the Unix epoch.', minArgs: 0, maxArgs: 0 },
  { name: 'isoTime', signature: 'isoTime()', doc: 'The current time as ISO 8601 text, e.g. 2024-05-01T12:00:00.000Z.', minArgs: 0, maxArgs: 0 },
  { name: 'lower', signature: 'lower(text)', doc: 'The text in lower case.', minArgs: 1, maxArgs: 1 },
  { name: 'upper', signature: 'upper(text)', doc: 'The text in upper case.', minArgs: 1, maxArgs: 1 },
  { name: 'base64', signature: 'base64(text)', doc: 'The UTF-8 bytes of the text in base64, e.g. for a Basic Authorization header.', minArgs: 1, maxArgs: 1 },
  { name: 'urlencode', signature: 'urlencode(text)', doc: 'The text escaped for a URL query or path segment (encodeURIComponent).', minArgs: 1, maxArgs: 1 },
  { name: 'json', signature: 'json(value)', doc: 'The value as JSON text.', minArgs: 1, maxArgs: 1 },
  { name: 'length', signature: 'length(value)', doc: 'The length of a text or list, or the number of keys of an object.', minArgs: 1, maxArgs: 1 },
  { name: 'pick', signature: 'pick(a, b, ...)', doc: 'One of its arguments, chosen at random.', minArgs: 1, maxArgs: Infinity },
] as const satisfies readonly HelperDescription[];

export type HelperName = (typeof TEMPLATE_HELPER_DESCRIPTIONS)[number]['name'];
