/**
 * Rewrites a cell's source before tslab compiles it, to work around a tslab
 * 1.0.22 bug: a shorthand property that names a variable of an earlier cell,
 * `publish({ tokens })`, fails with "ReferenceError: tokens is not defined"
 * (tslab renames top-level variables across cells but misses the shorthand
 * form), while `publish({ tokens: tokens })` works. So every shorthand property
 * `{ a }` is spelt out as `{ a: a }`, which means the same in JavaScript. The
 * rewrite stays on the same line, so error positions still point at the cell.
 */
import * as ts from "typescript";

export function expandShorthandProperties(src: string): string {
  const file = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    // `{ a = 1 } = obj` (a default in a destructuring assignment) has no spelt-out twin: leave it.
    if (ts.isShorthandPropertyAssignment(node) && !node.objectAssignmentInitializer) {
      inserts.push({ at: node.name.end, text: `: ${node.name.text}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = src;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
