// A `json:` body compiled once into a writer: constant subtrees are serialised ahead of time, and string
// leaves that are exactly one `{{ expr }}` keep the expression's type (number, boolean, object…).
import type { JsonTemplate, TemplateContext } from '../scenario/plan';

export type JsonWriter = (ctx: TemplateContext) => string;

export interface CompiledJson {
  /** Set when nothing in the tree is a template. */
  constant: string | undefined;
  write: JsonWriter;
}

export function compileJsonBody(node: JsonTemplate): CompiledJson {
  const constant = constantJson(node);
  if (constant !== undefined) return { constant, write: () => constant };
  return { constant: undefined, write: writerOf(node) };
}

function constantJson(node: JsonTemplate): string | undefined {
  switch (node.kind) {
    case 'value':
      return JSON.stringify(node.value);
    case 'string':
      return node.template.constant === undefined ? undefined : JSON.stringify(node.template.constant);
    case 'array': {
      const parts: string[] = [];
      for (const item of node.items) {
        const c = constantJson(item);
        if (c === undefined) return undefined;
        parts.push(c);
      }
      return `[${parts.join(',')}]`;
    }
    case 'object': {
      const parts: string[] = [];
      for (const [key, value] of node.entries) {
        const c = constantJson(value);
        if (c === undefined) return undefined;
        parts.push(`${JSON.stringify(key)}:${c}`);
      }
      return `{${parts.join(',')}}`;
    }
  }
}

/** A value that JSON cannot carry (undefined, a failed capture) is written as null. */
function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'null' : text;
}

function writerOf(node: JsonTemplate): JsonWriter {
  const constant = constantJson(node);
  if (constant !== undefined) return () => constant;
  switch (node.kind) {
    case 'string': {
      const template = node.template;
      return (ctx) => toJson(template.renderValue(ctx));
    }
    case 'array': {
      const items = node.items.map(writerOf);
      return (ctx) => {
        let out = '[';
        for (let i = 0; i < items.length; i++) out += (i ? ',' : '') + items[i](ctx);
        return out + ']';
      };
    }
    case 'object': {
      const keys = node.entries.map(([key]) => JSON.stringify(key) + ':');
      const values = node.entries.map(([, value]) => writerOf(value));
      return (ctx) => {
        let out = '{';
        for (let i = 0; i < keys.length; i++) out += (i ? ',' : '') + keys[i] + values[i](ctx);
        return out + '}';
      };
    }
    default:
      return () => 'null';
  }
}
