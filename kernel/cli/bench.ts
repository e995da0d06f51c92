/**
 * `npm run bench`: training speed of the reference configurations S, M and L
 * (kernel/bench/reference-model.ts) on each implementation:
 *
 * - tfjs wasm as shipped (1 thread), tfjs wasm with the fast kernels on 1
 *   thread and on one thread per core (2 here), and tfjs cpu (S only: it is
 *   about 100 times slower; `--cpu-all` runs it on every configuration);
 * - with `--torch`, the PyTorch twin (kernel/bench/torch_twin.py) on 1 and 2
 *   threads, when /usr/bin/python3 has torch.
 *
 * Every run is its own process (the wasm thread count is fixed per process),
 * and the implementations take turns: each configuration is measured in
 * ROUNDS rounds of every implementation, so drift on a shared machine falls on
 * all of them alike. Prints one JSON line per implementation and configuration
 * (step times pooled over the rounds), then a table and the ratio of the best
 * tfjs median to the best PyTorch median.
 *
 *   npm run bench                      # S, M, L
 *   npm run bench -- --config M        # one configuration
 *   npm run bench -- --torch           # with the PyTorch twin
 *
 * (`npm run bench --torch` works too: npm hands it over as npm_config_torch.)
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type ConfigName, REFERENCE_CONFIGS, stepFlops, timeSteps } from "../bench/reference-model";
import { setupBackend } from "../../src/backend";

/** Timed steps per round, warm-up steps per process, rounds: L's steps take seconds on the shipped kernels. */
const PLAN: Record<ConfigName, { steps: number; warmup: number; rounds: number }> = {
  S: { steps: 20, warmup: 3, rounds: 2 },
  M: { steps: 10, warmup: 3, rounds: 2 },
  L: { steps: 4, warmup: 2, rounds: 2 },
};

interface Impl {
  label: string;
  impl: "tfjs" | "torch";
  backend: "wasm" | "cpu";
  threads: number;
  fastKernels?: boolean;
}

export interface BenchRecord {
  impl: string;
  backend: string;
  threads: number;
  config: ConfigName;
  msPerStepMedian: number;
  msPerStepMin: number;
  tokensPerSecond: number;
  gflops: number;
  tensorsBefore: number | null;
  tensorsAfter: number | null;
  peakRssMB: number;
}

interface ChildResult {
  impl: string;
  backend: string;
  threads: number;
  config: ConfigName;
  ms: number[];
  tensorsBefore?: number;
  tensorsAfter?: number;
  peakRssMB: number;
}

const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const TWIN = path.join(ROOT, "kernel", "bench", "torch_twin.py");
const PYTHON = "/usr/bin/python3";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** The child: one implementation, one configuration, one process; prints one JSON line. */
async function child(args: string[]): Promise<void> {
  const [backend, threads, fast, config, warmup, steps] = args;
  const info = await setupBackend({ prefer: backend as "wasm" | "cpu", threads: Number(threads), fastKernels: fast === "fast", log: null });
  const c = REFERENCE_CONFIGS[config as ConfigName];
  const r = await timeSteps(c, Number(warmup), Number(steps));
  const result: ChildResult = {
    impl: `tfjs ${info.name === "wasm" ? (info.fastKernels ? "fast " : "stock ") : ""}${info.name}`,
    backend: info.name,
    threads: info.threads ?? 1,
    config: config as ConfigName,
    ms: r.ms,
    tensorsBefore: r.tensorsBefore,
    tensorsAfter: r.tensorsAfter,
    peakRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

function hasTorch(): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
}

function runOnce(impl: Impl, config: ConfigName): ChildResult {
  const plan = PLAN[config];
  const [command, args] =
    impl.impl === "torch"
      ? [PYTHON, [TWIN, config, String(impl.threads), String(plan.warmup), String(plan.steps)]]
      : [process.execPath, [__filename, "--child", impl.backend, String(impl.threads), impl.fastKernels ? "fast" : "stock", config, String(plan.warmup), String(plan.steps)]];
  const env = { ...process.env, TRANSFORMER_NOTEBOOKS_THREADS: String(impl.threads) };
  const r = spawnSync(command, args, { encoding: "utf8", env, maxBuffer: 16 << 20 });
  const line = r.stdout?.trim().split("\n").pop();
  if (r.status !== 0 || !line) throw new Error(`${impl.label} on ${config} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(line) as ChildResult;
}

function record(runs: ChildResult[]): BenchRecord {
  const first = runs[0];
  const growth = (r: ChildResult) => (r.tensorsAfter ?? 0) - (r.tensorsBefore ?? 0);
  const leakiest = runs.reduce((w, r) => (growth(r) > growth(w) ? r : w));
  const ms = runs.flatMap((r) => r.ms);
  const c = REFERENCE_CONFIGS[first.config];
  const med = median(ms);
  return {
    impl: first.impl,
    backend: first.backend,
    threads: first.threads,
    config: first.config,
    msPerStepMedian: round(med, 2),
    msPerStepMin: round(Math.min(...ms), 2),
    tokensPerSecond: Math.round((c.batchSize * c.seqLength * 1000) / med),
    gflops: round(stepFlops(c) / med / 1e6, 1),
    // a leak shows in any round: report the round whose count grew most
    tensorsBefore: leakiest.tensorsBefore ?? null,
    tensorsAfter: leakiest.tensorsAfter ?? null,
    peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
  };
}

function table(records: BenchRecord[]): string {
  const head = ["config", "impl", "threads", "ms/step median", "min", "tokens/s", "GFLOP/s", "tensors 10 -> N", "peak RSS MB"];
  const rows = records.map((r) => [
    r.config,
    r.impl,
    String(r.threads),
    r.msPerStepMedian.toFixed(1),
    r.msPerStepMin.toFixed(1),
    String(r.tokensPerSecond),
    r.gflops.toFixed(1),
    r.tensorsBefore === null ? "-" : `${r.tensorsBefore} -> ${r.tensorsAfter}`,
    r.peakRssMB.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function parseArgs(argv: string[]): { configs: ConfigName[]; torch: boolean; cpuAll: boolean } {
  let configs: ConfigName[] = ["S", "M", "L"];
  let torch = process.env.npm_config_torch === "true";
  let cpuAll = false;
  const fromNpm = process.env.npm_config_config;
  if (fromNpm && /^[SML](,[SML])*$/.test(fromNpm)) configs = fromNpm.split(",") as ConfigName[];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--torch") torch = true;
    else if (a === "--cpu-all") cpuAll = true;
    else if (a === "--config") {
      const v = argv[++i] ?? "";
      const names = v.split(",");
      const bad = names.find((n) => !(n in REFERENCE_CONFIGS));
      if (bad !== undefined) throw new Error(`unknown configuration "${bad}": use S, M or L (or a list, S,M)`);
      configs = names as ConfigName[];
    } else throw new Error(`unknown argument ${a} (use --config S|M|L, --torch, --cpu-all)`);
  }
  return { configs, torch, cpuAll };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") return child(argv.slice(1));
  const { configs, torch, cpuAll } = parseArgs(argv);
  const cores = Math.min(os.availableParallelism(), 8);
  const impls: Impl[] = [
    { label: "tfjs stock wasm", impl: "tfjs", backend: "wasm", threads: 1, fastKernels: false },
    { label: "tfjs fast wasm", impl: "tfjs", backend: "wasm", threads: 1, fastKernels: true },
  ];
  if (cores > 1) impls.push({ label: `tfjs fast wasm x${cores}`, impl: "tfjs", backend: "wasm", threads: cores, fastKernels: true });
  impls.push({ label: "tfjs cpu", impl: "tfjs", backend: "cpu", threads: 1 });
  if (torch) {
    if (hasTorch()) {
      impls.push({ label: "torch", impl: "torch", backend: "cpu", threads: 1 });
      if (cores > 1) impls.push({ label: `torch x${cores}`, impl: "torch", backend: "cpu", threads: cores });
    } else console.log(`--torch: ${PYTHON} has no torch (Debian: apt-get install python3-torch); PyTorch is left out`);
  }
  console.log(`benchmark: configurations ${configs.join(", ")}; ${impls.map((i) => i.label).join(", ")}; ${cores} cores`);
  if (!cpuAll) console.log("(tfjs cpu runs on S only; --cpu-all runs it on every configuration)");

  const records: BenchRecord[] = [];
  for (const config of configs) {
    const plan = PLAN[config];
    const todo = impls.filter((i) => cpuAll || i.backend !== "cpu" || i.impl !== "tfjs" || config === "S");
    const runs = new Map<string, ChildResult[]>();
    for (let r = 1; r <= plan.rounds; r++) {
      for (const impl of todo) {
        process.stderr.write(`  ${config} round ${r}/${plan.rounds}: ${impl.label} ...`);
        const t = performance.now();
        const result = runOnce(impl, config);
        process.stderr.write(` median ${median(result.ms).toFixed(1)} ms/step (${((performance.now() - t) / 1000).toFixed(0)} s)\n`);
        runs.set(impl.label, [...(runs.get(impl.label) ?? []), result]);
      }
    }
    for (const impl of todo) {
      const rec = record(runs.get(impl.label) as ChildResult[]);
      records.push(rec);
      console.log(JSON.stringify(rec));
    }
  }
  console.log("\n" + table(records));
  for (const config of configs) {
    const of = (impl: string) => records.filter((r) => r.config === config && r.impl.startsWith(impl));
    const best = (rs: BenchRecord[]) => rs.reduce<BenchRecord | null>((b, r) => (!b || r.msPerStepMedian < b.msPerStepMedian ? r : b), null);
    const tfjs = best(of("tfjs fast"));
    const stock = best(of("tfjs stock"));
    const pt = best(of("torch"));
    const parts = [];
    if (tfjs && stock) parts.push(`fast/stock wasm ${(stock.msPerStepMedian / tfjs.msPerStepMedian).toFixed(1)}x faster`);
    if (tfjs && pt) parts.push(`tfjs/torch = ${(tfjs.msPerStepMedian / pt.msPerStepMedian).toFixed(2)} (tfjs fast wasm ${tfjs.threads} thread(s) ${tfjs.msPerStepMedian} ms vs torch ${pt.threads} thread(s) ${pt.msPerStepMedian} ms)`);
    if (parts.length) console.log(`${config}: ${parts.join("; ")}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
