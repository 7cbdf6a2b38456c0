// A machine-applicable fix is "set this key path to this value" (Diagnosis.edit, an estimate). This turns
// it into one text edit of the scenario file that keeps the rest of the file as written: the value's
// scalar is replaced, or a missing key is added as the last key of its map with the map's indentation.
// Pure: offsets in, offsets out. The server answers the extension's `volley/keyPathEdits` with it
// (requests.ts), so the extension never parses YAML.
import { isMap, isScalar, type YAMLMap } from 'yaml';
import { parseScenarioDocument } from '../engine/scenario/document';
import type { PathSegment } from '../engine/scenario/schema';

export type TextChange = { ok: true; start: number; end: number; newText: string } | { ok: false; message: string };

/** The value as YAML that reads back as the same value: plain where that is safe, else JSON (valid YAML). */
export function yamlValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    const plain =
      /^[\w./][\w ./:-]*$/.test(value) &&
      Number.isNaN(Number(value)) &&
      !/^(true|false|null|yes|no|on|off|~|\.nan|\.inf)$/i.test(value) &&
      !/[: ]$/.test(value);
    return plain && !value.includes(': ') && !value.includes(' #') ? value : JSON.stringify(value);
  }
  return JSON.stringify(value ?? null);
}

function describePath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}

export function editAtPath(text: string, path: readonly PathSegment[], value: unknown): TextChange {
  if (path.length === 0) return { ok: false, message: 'the fix has an empty key path' };
  const doc = parseScenarioDocument(text);
  const newText = yamlValue(value);
  const node = doc.nodeAt(path);
  if (node) {
    if (!isScalar(node)) return { ok: false, message: `${describePath(path)} is not a single value, so it is left for you to edit` };
    const [start, end] = doc.offsetsOf(node);
    return { ok: true, start, end, newText };
  }
  const key = path[path.length - 1];
  if (typeof key !== 'string') return { ok: false, message: `${describePath(path)} is not in the file` };
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length === 0 ? doc.yaml.contents : doc.nodeAt(parentPath);
  if (!isMap(parent)) return { ok: false, message: `${describePath(parentPath) || 'the file'} is not a map in the file` };
  const map = parent as YAMLMap;
  if (map.flow) return { ok: false, message: `${describePath(parentPath)} is written inline ({ … }); add ${key} by hand` };
  const firstKey = map.items[0]?.key;
  const last = map.items[map.items.length - 1];
  if (!isScalar(firstKey) || !last) return { ok: false, message: `${describePath(parentPath)} has no keys to line up with` };
  const keyStart = doc.offsetsOf(firstKey)[0];
  const column = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  const lastNode = (last.value ?? last.key) as Parameters<typeof doc.offsetsOf>[0];
  let end = doc.offsetsOf(lastNode)[1];
  // After the rest of the last line (a trailing comment stays where it is).
  const lineEnd = text.indexOf('\n', end);
  end = lineEnd < 0 ? text.length : lineEnd;
  // Trim back over blank lines the value's range may include.
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return { ok: true, start: end, end, newText: `\n${' '.repeat(column)}${key}: ${newText}` };
}

/**
 * Several key paths set together (a Diagnosis's `edits`) as one change: each applied to the text the
 * previous left, then the whole difference as a single replacement, so the WorkspaceEdit never holds
 * overlapping or same-place edits.
 */
export function editsAtPaths(text: string, edits: ReadonlyArray<{ path: readonly PathSegment[]; value: unknown }>): TextChange {
  let next = text;
  for (const edit of edits) {
    const change = editAtPath(next, edit.path, edit.value);
    if (!change.ok) return change;
    next = next.slice(0, change.start) + change.newText + next.slice(change.end);
  }
  let start = 0;
  while (start < text.length && start < next.length && text[start] === next[start]) start++;
  let endOld = text.length;
  let endNew = next.length;
  while (endOld > start && endNew > start && text[endOld - 1] === next[endNew - 1]) {
    endOld--;
    endNew--;
  }
  return { ok: true, start, end: endOld, newText: next.slice(start, endNew) };
}
