import { defineConfig } from "vitest/config";
import * as path from "path";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  test: {
    root: path.resolve(here, ".."),
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Runner tests start real kernels (about 2 s each): give them room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: one test file at a time per core.
    maxWorkers: 2,
  },
});
