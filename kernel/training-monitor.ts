/**
 * What a notebook shows while `train` runs: a progress bar (step, loss,
 * tokens/s, ETA) and the loss curve, both redrawn in place. When training
 * ends the curve is drawn once more, whole, and that static plot is what the
 * saved notebook and the handout keep.
 *
 *   const monitor = trainingMonitor({ steps: 1000, label: "copy" });
 *   const run = await train({ ..., steps: 1000, onStep: monitor.onStep });
 *   monitor.finish();
 */
import type { StepInfo } from "../src/train";
import { lineChartFigure, movingAverage } from "../src/plots/line-chart";
import { liveDisplay, progressBar } from "./display";

export interface TrainingMonitorOptions {
  steps: number;
  /** Names the run in the bar and the curve's legend. */
  label?: string;
  /** Milliseconds between two redraws of the curve (default 1500). */
  curveEveryMs?: number;
  /** Also draw the moving average over this many steps (default: steps / 50, at least 1; 1 = off). */
  smooth?: number;
}

export interface TrainingMonitor {
  onStep(info: StepInfo): void;
  /** Draws the final curve and closes the bar. */
  finish(): void;
  /** The losses seen so far. */
  readonly losses: number[];
}

export function trainingMonitor(options: TrainingMonitorOptions): TrainingMonitor {
  const label = options.label ?? "training";
  const bar = progressBar({ total: options.steps, label });
  const curve = liveDisplay();
  const losses: number[] = [];
  const smooth = options.smooth ?? Math.max(1, Math.round(options.steps / 50));
  const every = options.curveEveryMs ?? 1500;
  let lastDraw = Date.now();
  let last: StepInfo | null = null;

  const draw = () => {
    const series = [{ name: `${label} loss`, y: losses }];
    if (smooth > 1) series.push({ name: `mean of ${smooth} steps`, y: movingAverage(losses, smooth) });
    curve.update(lineChartFigure(series, { title: `${label}: training loss`, yTitle: "loss (nats per token)" }));
  };
  const info = (s: StepInfo) => ({ loss: s.loss, "tok/s": Math.round(s.tokensPerSecond), lr: s.learningRate });

  return {
    losses,
    onStep(step) {
      last = step;
      losses.push(step.loss);
      bar.update(step.step, info(step));
      if (Date.now() - lastDraw >= every) {
        draw();
        lastDraw = Date.now();
      }
    },
    finish() {
      if (last) bar.finish(info(last));
      if (losses.length > 0) draw();
    },
  };
}
