// `data:`: named data sets, each a file and a pick. What is in the files (their columns, whether they can be
// read) is not known here: the caller passes the columns it read (CheckOptions.dataColumns) and the scenario
// module reports unreadable files itself (../data-files.ts).
import type { DataPick } from '../../data/table';
import type { Range } from '../plan';
import { SCHEMA, type MapSchema, type ObjectSchema } from '../schema';
import type { Findings } from './findings';
import { entries, expectMap, missingKey, readName, readScalar, scalarText, unknownKey, valueAt, type Entry } from './read';

export interface CheckedDataSet {
  name: string;
  /** As written: relative to the scenario file. */
  file: string;
  pick: DataPick;
  /** `file:`'s value: where problems with the file are reported. */
  range: Range;
}

/** The valid sets, and the names of all sets with a usable name (templates reading a broken set are not a second error). */
export function checkData(f: Findings, entry: Entry, variables: Readonly<Record<string, unknown>>): { sets: CheckedDataSet[]; names: string[] } {
  const map = expectMap(f, entry, 'a map of data set names to { file, pick }');
  if (!map) return { sets: [], names: [] };
  const names: string[] = [];
  const schema = (SCHEMA.properties.data as MapSchema).values as ObjectSchema;
  const allowed = Object.keys(schema.properties);
  const sets: CheckedDataSet[] = [];
  for (const e of entries(f, map)) {
    if (!readName(f, e, 'data set')) continue;
    if (Object.hasOwn(variables, e.key)) {
      f.error('duplicate-name', `"${e.key}" is both a variable and a data set: templates could not tell them apart; rename one`, e.keyNode);
      continue;
    }
    names.push(e.key);
    const body = expectMap(f, e, 'a map such as { file: data/users.csv, pick: unique }');
    if (!body) continue;
    const keys = entries(f, body);
    let file: { text: string; range: Range } | undefined;
    let pick: DataPick = schema.properties.pick.default as DataPick;
    let valid = true;
    for (const k of keys) {
      if (!allowed.includes(k.key)) {
        unknownKey(f, k, allowed, `data set ${e.key}`);
        valid = false;
      } else if (k.key === 'file') {
        const text = scalarText(f, k, 'a file path relative to the scenario file');
        if (text === undefined) valid = false;
        else if (text.trim() === '') {
          f.error('invalid-value', 'file must not be empty: give a CSV or .json file relative to the scenario file', valueAt(k));
          valid = false;
        } else file = { text, range: f.doc.rangeOf(valueAt(k)) };
      } else {
        const value = readScalar(f, k, schema.properties.pick);
        if (value === undefined) valid = false;
        else pick = value as DataPick;
      }
    }
    if (!keys.some((k) => k.key === 'file')) {
      missingKey(f, `data set ${e.key} has no file: add file: with a CSV or .json file relative to the scenario file`, e.keyNode, body, e.keyNode, 'file');
      valid = false;
    }
    if (valid && file !== undefined) sets.push({ name: e.key, file: file.text, pick, range: file.range });
  }
  return { sets, names };
}
