// Builds the library (if stale) once before any test starts a kernel.
import * as path from "path";

export default function setup(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ensureBuild } = require(path.resolve(__dirname, "..", "kernel", "bin", "ensure-build.js")) as {
    ensureBuild(): boolean;
  };
  ensureBuild();
}
