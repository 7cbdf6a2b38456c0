// Folding by indentation: every key or list item whose block spans more than one line.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { LineIndex } from './line-index';

export function foldingRanges(lines: LineIndex): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  lines.lines.forEach((info, line) => {
    if (info.inert) {
      // A run of two or more comment lines folds as a comment.
      const isComment = info.text.trimStart().startsWith('#');
      const previous = lines.lines[line - 1];
      if (isComment && !(previous?.text.trimStart().startsWith('#'))) {
        let end = line;
        while (lines.lines[end + 1]?.text.trimStart().startsWith('#')) end++;
        if (end > line) ranges.push({ startLine: line, endLine: end, kind: FoldingRangeKind.Comment });
      }
      return;
    }
    // Only the outermost entry of a line starts a fold: `- get: /` folds the whole item.
    const first = info.entries[0];
    if (!first) return;
    const end = lines.blockEnd(line, first.column);
    if (end > line) ranges.push({ startLine: line, endLine: end });
  });
  return ranges;
}
