/** Where things are: the project root and the folders the kernel and runner use. */
import * as fs from "fs";
import * as path from "path";

/** The package name notebooks import the library by. */
export const PACKAGE_NAME = "transformer-notebooks";

let root: string | undefined;

/** The project root: the nearest folder above this file whose package.json is ours. */
export function projectRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === PACKAGE_NAME) {
      root = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`${PACKAGE_NAME}: cannot find the project root above ${__dirname}`);
  }
}

/** build/: everything the project generates. */
export function buildDir(): string {
  return path.join(projectRoot(), "build");
}

/** The project-local Jupyter data folder (kernelspecs live in its kernels/). */
export function jupyterDataDir(): string {
  return path.join(buildDir(), "jupyter");
}

/** The full path of an executable `command` on the PATH, or undefined. */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, command);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      return full;
    } catch {
      /* not here */
    }
  }
  return undefined;
}
