/**
 * What the rules add to an ESLint run: lint a large tree once with the TypeScript parser and no rules, and once
 * with `recommended`, in one process, interleaved and repeated; print the medians and their ratio (target ≤ 1.10).
 *
 *   npx tsx packages/eslint-plugin-outbox/bench/eslint-overhead.ts [copies=20] [rounds=5]
 *
 * The tree is the reference runtime's src/modules copied `copies` times into a temporary folder. Not a test: timing
 * on a shared machine is noisy, so it is a number to read, not to assert. Noise only ever adds time, so the ratio of
 * the fastest runs is printed next to the ratio of the medians.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { configs } from '../src/index.js';

// Each run starts from a collected heap, so no run pays for the garbage the previous one left behind.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const copies = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 5);
const modules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reference-runtime', 'src', 'modules');

function tree(): { root: string; files: number; bytes: number } {
  const root = mkdtempSync(join(tmpdir(), 'outbox-bench-'));
  for (let copy = 1; copy <= copies; copy++) {
    cpSync(modules, join(root, `copy-${String(copy).padStart(2, '0')}`, 'src', 'modules'), { recursive: true });
  }
  let files = 0;
  let bytes = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (entry.endsWith('.ts')) {
        files++;
        bytes += stat.size;
      }
    }
  };
  walk(root);
  return { root, files, bytes };
}

async function lint(root: string, config: Linter.Config): Promise<{ ms: number; problems: number }> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [config], cache: false });
  collectGarbage();
  const started = performance.now();
  const results = await eslint.lintFiles(['.']);
  const ms = performance.now() - started;
  const fatal = results.flatMap((result) => result.messages.filter((message) => message.fatal));
  if (fatal.length > 0) throw new Error(`parse errors in the tree: ${fatal[0]!.message}`);
  return { ms, problems: results.reduce((sum, result) => sum + result.errorCount + result.warningCount, 0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const files = ['**/*.ts'];
const bare: Linter.Config = { files, languageOptions: { parser: tsParser as unknown as Linter.Parser, sourceType: 'module' } };
const recommended = { ...configs.recommended, files } as Linter.Config;

const { root, files: fileCount, bytes } = tree();
try {
  console.log(`tree: ${copies} copies of src/modules, ${fileCount} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  // Warm up both paths (module loading, JIT) before measuring.
  await lint(root, bare);
  const { problems } = await lint(root, recommended);
  const times = { bare: [] as number[], recommended: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so neither side always runs on a warmer (or busier) machine.
    const order = round % 2 === 0 ? (['bare', 'recommended'] as const) : (['recommended', 'bare'] as const);
    for (const which of order) times[which].push((await lint(root, which === 'bare' ? bare : recommended)).ms);
  }
  const bareMs = median(times.bare);
  const recommendedMs = median(times.recommended);
  const ratio = recommendedMs / bareMs;
  const fastestRatio = Math.min(...times.recommended) / Math.min(...times.bare);
  console.log(`parser, no rules:  ${bareMs.toFixed(0)} ms  (runs: ${times.bare.map((ms) => ms.toFixed(0)).join(', ')})`);
  console.log(`recommended:       ${recommendedMs.toFixed(0)} ms  (runs: ${times.recommended.map((ms) => ms.toFixed(0)).join(', ')}; ${problems} findings)`);
  console.log(`ratio:             ${ratio.toFixed(3)} of the medians, ${fastestRatio.toFixed(3)} of the fastest runs  (target ≤ 1.10: ${ratio <= 1.1 ? 'met' : 'NOT met'})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
