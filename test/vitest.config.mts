import { defineConfig } from "vitest/config";
import * as path from "path";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  test: {
    root: path.resolve(here, ".."),
    globalSetup: ["test/global-setup.ts"],
    // Runner tests start real kernels (about 2 s each): give them room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: one test file at a time per core.
    maxWorkers: 2,
    projects: [
      // Everything, on the default backend (wasm with the fast kernels).
      { extends: true, test: { name: "wasm", include: ["test/**/*.test.ts"] } },
      // The library's unit tests again on tfjs's pure-JS cpu backend: the
      // library must give the same answers there. (The backend's own tests and
      // the wasm-against-cpu comparison choose their backends themselves.)
      {
        extends: true,
        test: {
          name: "cpu",
          include: ["test/src/**/*.test.ts"],
          exclude: ["test/src/backend.test.ts", "test/src/fast-kernels.test.ts"],
          env: { TRANSFORMER_NOTEBOOKS_BACKEND: "cpu" },
        },
      },
    ],
  },
});
