/**
 * A headless Chromium for the things only a browser can do: turning a figure
 * into PNG or SVG (`saveFigure`), and the test that opens every handout in a
 * real browser. It is driven through playwright-core with the system's own
 * Chromium (Debian: `apt-get install chromium`); nothing is downloaded.
 *
 * Where it looks: $CHROMIUM_PATH, then chromium, chromium-browser,
 * google-chrome on the PATH.
 */
import * as fs from "fs";
import { onPath } from "./paths";
import type { Browser } from "playwright-core";

const NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The launch flags: headless, no GPU, nothing that phones home, a fresh profile per launch. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The path of a Chromium executable, or null when there is none. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  for (const name of NAMES) {
    const found = onPath(name);
    if (found) return found;
  }
  return null;
}

/** What to say when no Chromium is found. */
export const NO_CHROMIUM =
  "no headless Chromium found: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to its executable";

/**
 * Launches headless Chromium; throws NO_CHROMIUM when there is none.
 * (playwright gives every launch a fresh, temporary profile and removes it on close.)
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(NO_CHROMIUM);
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
