/** Which notebooks a command runs: all of notebooks/, or those a user names. */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./paths";

/**
 * The notebooks to run, in order. With no selection, every `*.ipynb` in `dir`
 * sorted by name; otherwise each entry is a path (has a "/" or ends in .ipynb)
 * or a prefix of file names in `dir` (`03` -> 03-*.ipynb). Throws, naming the
 * entry, when one matches nothing.
 */
export function selectNotebooks(selection: string[], dir = path.join(projectRoot(), "notebooks")): string[] {
  const all = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".ipynb"))
        .sort()
        .map((f) => path.join(dir, f))
    : [];
  if (selection.length === 0) return all;
  const chosen: string[] = [];
  for (const s of selection) {
    if (s.endsWith(".ipynb") || s.includes("/")) {
      const file = path.resolve(s);
      if (!fs.existsSync(file)) throw new Error(`no such notebook: ${s}`);
      chosen.push(file);
      continue;
    }
    const matches = all.filter((f) => path.basename(f).startsWith(s));
    if (matches.length === 0) throw new Error(`no notebook in ${path.relative(process.cwd(), dir) || dir} starts with "${s}"`);
    chosen.push(...matches);
  }
  return [...new Set(chosen)];
}
