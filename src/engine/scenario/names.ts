// The rules for names the format lets a user choose (variables, captures, scenarios, headers) and for
// threshold tag values: one definition read by the validator, the JSON Schema generator, rename, the
// capture parser and the metrics registry, so what one accepts the others accept.

import { TEMPLATE_BUILTIN_NAMES } from './format/builtins';

/** Names templates provide themselves (the built-ins); variables and captures may not take them. */
export const RESERVED_TEMPLATE_NAMES: readonly string[] = TEMPLATE_BUILTIN_NAMES;

/** Words a template reads as literals: `{{ true }}` is the boolean, so no variable can be read by these names. */
export const TEMPLATE_LITERALS = ['true', 'false', 'null'] as const;

/** A variable or capture name: what `{{ name }}` can read. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type NameKind = 'variable' | 'capture' | 'data set' | 'repeat index';

export interface NameProblem {
  code: 'reserved-name' | 'invalid-name';
  message: string;
}

/** Why `name` cannot be a variable or capture name, or undefined when it can. */
export function nameProblem(name: string, kind: NameKind): NameProblem | undefined {
  if (RESERVED_TEMPLATE_NAMES.includes(name)) {
    return { code: 'reserved-name', message: `"${name}" is a built-in template name (${RESERVED_TEMPLATE_NAMES.join(', ')}): rename the ${kind}` };
  }
  if ((TEMPLATE_LITERALS as readonly string[]).includes(name)) {
    return { code: 'reserved-name', message: `"${name}" is a literal in templates ({{ ${name} }} is the value ${name}, not a ${kind}): rename the ${kind}` };
  }
  if (!IDENTIFIER_PATTERN.test(name)) {
    return { code: 'invalid-name', message: `${kind} name "${name}" cannot be read in templates: use letters, digits and _, not starting with a digit` };
  }
  return undefined;
}

/** Names no variable or capture may take, for the JSON Schema's `propertyNames.not.enum`. */
export const UNAVAILABLE_NAMES: readonly string[] = [...RESERVED_TEMPLATE_NAMES, ...TEMPLATE_LITERALS];

/** A scenario name: k6's rule (letters, digits, `-` and `_`). */
export const SCENARIO_NAME_PATTERN = /^[0-9a-zA-Z_-]+$/;

/** An HTTP header name (RFC 9110's token): request headers, checked response headers, `header.NAME` captures. */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A cookie name: RFC 6265's cookie-name is the same token (`cookies:` keys, `cookie.NAME` captures). */
export const COOKIE_NAME_PATTERN = HEADER_NAME_PATTERN;

/** A threshold's `status` tag: an HTTP status code, as the engine records it. */
export const STATUS_TAG_PATTERN = /^[1-5]\d\d$/;

/** The threshold tags with a closed set of values, and those values (the JSON Schema reads them too). */
export const TAG_VALUE_PATTERNS: Readonly<Record<string, RegExp>> = {
  status: STATUS_TAG_PATTERN,
  expected_response: /^(true|false)$/,
};

/** Why `value` cannot be the value of threshold tag `tag` (only tags with a closed set of values are checked). */
export function tagValueProblem(tag: string, value: string): string | undefined {
  if (!Object.hasOwn(TAG_VALUE_PATTERNS, tag) || TAG_VALUE_PATTERNS[tag].test(value)) return undefined;
  return tag === 'status' ? `status "${value}" is not an HTTP status code such as 200` : `${tag} is true or false, not "${value}"`;
}

