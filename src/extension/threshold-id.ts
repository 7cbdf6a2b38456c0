// A threshold expression's Testing view id, shared by the item made from the server's facts and the run's
// result that settles it. Pure (no vscode), so its matching of facts to results is tested on real runs.

/** Unique within the file: test ids may not hold the NUL character VS Code uses as its own separator. */
export function thresholdId(key: string, expression: string): string {
  return `${key} :: ${expression.replace(/\s+/g, '')}`;
}
