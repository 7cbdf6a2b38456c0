// What a JSON request body's schema says of an object's keys: which it lists, which it requires, and
// whether it admits others. allOf parts are merged; the variants of oneOf/anyOf are united (a key any
// variant lists is known, none is required by them).
//
// The rule for an unknown key: the object's schema lists `properties` and neither allows other keys
// (`additionalProperties` true or a schema, or `patternProperties`) nor leaves its shape open (a variant
// without a property list); or it says `additionalProperties: false`.
import type { ParsedJson as Json } from '../import/model';

export interface ObjectShape {
  properties: Map<string, Json>;
  required: Set<string>;
  /** Whether a key not in `properties` is an error. */
  closed: boolean;
}

export function objectShape(schema: Json | undefined): ObjectShape | undefined {
  const facts = collect(schema, 0);
  if (!facts?.objectSide) return undefined;
  return { properties: facts.properties, required: facts.required, closed: facts.forbidsOthers || (facts.properties.size > 0 && !facts.open) };
}

interface ShapeFacts {
  properties: Map<string, Json>;
  required: Set<string>;
  /** Other keys are allowed (additionalProperties, patternProperties, a variant or part without a list). */
  open: boolean;
  forbidsOthers: boolean;
  objectSide: boolean;
}

function collect(schema: Json | undefined, depth: number): ShapeFacts | undefined {
  if (!schema || typeof schema !== 'object' || depth > 8) return undefined;
  const facts: ShapeFacts = { properties: new Map(), required: new Set(), open: false, forbidsOthers: schema.additionalProperties === false, objectSide: schema.type === 'object' };
  if (schema.properties && typeof schema.properties === 'object') {
    facts.objectSide = true;
    for (const [name, value] of Object.entries<Json>(schema.properties)) facts.properties.set(name, value);
  }
  if (Array.isArray(schema.required)) for (const name of schema.required) if (typeof name === 'string') facts.required.add(name);
  const additional = schema.additionalProperties;
  if (additional === true || (additional && typeof additional === 'object') || schema.patternProperties) facts.open = true;
  // allOf: every part applies, so their lists and requirements add up.
  for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
    const inner = collect(part, depth + 1);
    if (!inner) continue;
    for (const [name, value] of inner.properties) if (!facts.properties.has(name)) facts.properties.set(name, value);
    for (const name of inner.required) facts.required.add(name);
    facts.objectSide ||= inner.objectSide;
    facts.open ||= inner.open;
  }
  // oneOf / anyOf: a key any variant lists is known; a variant without a list admits any key.
  const variantsOf = new Map<Json, Json[]>();
  const variants = [...(Array.isArray(schema.oneOf) ? schema.oneOf : []), ...(Array.isArray(schema.anyOf) ? schema.anyOf : [])];
  for (const variant of variants) {
    const inner = collect(variant, depth + 1);
    if (!inner || inner.properties.size === 0 || inner.open) facts.open = true;
    if (!inner) continue;
    for (const [name, value] of inner.properties) {
      // A key several variants list takes any of their schemas (a rule's `parameters`, one shape per rule type).
      const known = facts.properties.get(name);
      facts.properties.set(name, known === undefined || known === value ? value : { anyOf: [...(variantsOf.get(known) ?? [known]), value] });
      const merged = facts.properties.get(name)!;
      if (merged !== value) variantsOf.set(merged, merged.anyOf);
    }
    facts.objectSide ||= inner.objectSide;
  }
  return facts;
}

/** The schema of an array's items (the first variant that has them), for a list inside a body. */
export function itemsSchema(schema: Json | undefined): Json | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  if (schema.items && typeof schema.items === 'object') return schema.items;
  for (const variant of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) {
    const items = itemsSchema(variant);
    if (items) return items;
  }
  return undefined;
}

/** The schema at a key path inside a body (`['customer', 'address']`, numbers for list items). */
export function schemaAtPath(schema: Json | undefined, path: ReadonlyArray<string | number>): Json | undefined {
  let current = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    current = typeof segment === 'number' ? itemsSchema(current) : objectShape(current)?.properties.get(segment);
  }
  return current;
}

/** One line about a property's schema for completion and messages: `string (email)`, `array of integer`. */
export function schemaSummary(schema: Json | undefined): string {
  if (!schema || typeof schema !== 'object') return 'any';
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type === 'array') return `array of ${schemaSummary(schema.items)}`;
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.slice(0, 6).map((v: unknown) => JSON.stringify(v)).join(', ')}${schema.enum.length > 6 ? ', …' : ''}`;
  if (typeof type === 'string') return schema.format ? `${type} (${schema.format})` : type;
  if (schema.properties) return 'object';
  return 'any';
}
