import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBackend, type ExpectedCounts } from '../../../bench/generate.js';
import { collectAudit, runAudit } from '../src/audit.js';
import { evaluateGate } from '../src/gate.js';
import { mergePartials, readPartials } from '../src/merge.js';
import { printJson } from '../src/printers/json.js';
import { printMarkdown } from '../src/printers/markdown.js';
import { printSarif } from '../src/printers/sarif.js';
import { printText } from '../src/printers/text.js';
import type { AuditReport } from '../src/report.js';
import { createPartial, parseShard, printPartial, type PartialAudit } from '../src/shard.js';
import { runCli } from './support/project.js';

let work: string;
let root: string;
let expected: ExpectedCounts;

/** A generated backend, plus what only some shards see: a workflow, a file that does not parse, a checklist class. */
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'outbox-shard-'));
  root = path.join(work, 'tree');
  expected = generateBackend(root, { files: 150, layout: 'sparse', violations: 0.5, seed: 8 });
  mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
  writeFileSync(
    path.join(root, '.github/workflows/pr.yml'),
    'on: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx outbox-audit . --baseline .outbox-baseline.json\n',
  );
  writeFileSync(path.join(root, 'src/modules/broken.service.ts'), 'export class Broken {\n  constructor(private readonly db: Db) {}\n  async save( {\n');
  mkdirSync(path.join(root, 'src/core/websocket'), { recursive: true });
  writeFileSync(path.join(root, 'src/core/websocket/manager.ts'), 'export class ConnectionManager {\n  connect() {}\n}\n');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Audits each of `count` shards, passes each partial through JSON (as a CI artifact would) and merges them. */
async function sharded(count: number): Promise<{ parts: { file: string; partial: PartialAudit }[]; report: AuditReport }> {
  const parts = [];
  for (let index = 1; index <= count; index++) {
    const collected = await collectAudit({ root, shard: { index, count } });
    const partial = JSON.parse(printPartial(createPartial(collected, { index, count }, { target: 'tree', rootInRepo: 'tree' }))) as PartialAudit;
    parts.push({ file: `part-${index}.json`, partial });
  }
  return { parts, report: mergePartials(parts).report };
}

describe('sharded audit', () => {
  it('splits the files into disjoint shares whose union is the tree', async () => {
    const whole = await runAudit({ root });
    const { parts } = await sharded(3);
    const files = parts.flatMap((p) => p.partial.input.analyses.map((a) => a.file));
    expect(new Set(files).size).toBe(files.length);
    expect(parts.reduce((n, p) => n + p.partial.input.filesScanned, 0)).toBe(whole.summary.filesScanned);
    expect(parts.every((p) => p.partial.input.filesScanned > 0)).toBe(true);
  });

  it('merges 3 shards into the same report as one run, in every format', async () => {
    const whole = await runAudit({ root });
    expect(whole.summary).toMatchObject({ operations: expected.operations, compliant: expected.compliant });
    expect(whole.diagnostics.map((d) => d.file)).toContain('src/modules/broken.service.ts');
    const { report } = await sharded(3);
    expect(report).toEqual(whole);
    const gate = evaluateGate(whole, {});
    const mergedGate = evaluateGate(report, {});
    expect(printJson(report, mergedGate)).toBe(printJson(whole, gate));
    expect(printMarkdown(report, mergedGate, { target: 'tree' })).toBe(printMarkdown(whole, gate, { target: 'tree' }));
    expect(printSarif(report)).toBe(printSarif(whole));
    expect(printText(report, mergedGate, { color: 0, target: 'tree', verbose: true })).toBe(printText(whole, gate, { color: 0, target: 'tree', verbose: true }));
  });

  it('refuses a missing, repeated or foreign shard', async () => {
    const { parts } = await sharded(3);
    expect(() => mergePartials(parts.slice(0, 2))).toThrow('shard(s) 3/3 missing');
    expect(() => mergePartials([...parts, parts[0]!])).toThrow('are both shard 1/3');
    const strict = { file: 'strict.json', partial: { ...parts[2]!.partial, input: { ...parts[2]!.partial.input, strict: true } } };
    expect(() => mergePartials([parts[0]!, parts[1]!, strict])).toThrow('has --strict true');
    // One share relabelled as the whole: it covers a third of the tree.
    const relabelled = { file: 'relabelled.json', partial: { ...parts[0]!.partial, shard: { index: 1, count: 1 } } };
    expect(() => mergePartials([relabelled])).toThrow(/the parts cover \d+ of the \d+ source file\(s\) of the tree/);
    // Two shares swapped labels still add up; a share from another tree does not.
    const foreign = { file: 'foreign.json', partial: { ...parts[2]!.partial, tree: { files: parts[2]!.partial.tree.files + 1, sum: '1' } } };
    expect(() => mergePartials([parts[0]!, parts[1]!, foreign])).toThrow(/saw a tree of \d+ source file\(s\)/);
    const otherSize = { file: 'size.json', partial: { ...parts[2]!.partial, maxFileSize: 1 } };
    expect(() => mergePartials([parts[0]!, parts[1]!, otherSize])).toThrow('has --max-file-size 1');
    const otherCode = { file: 'code.json', partial: { ...parts[2]!.partial, analysis: 'other' } };
    expect(() => mergePartials([parts[0]!, parts[1]!, otherCode])).toThrow('has analysis code other');
    const old = { file: 'old.json', partial: { ...parts[2]!.partial, schemaVersion: 1 } };
    const dir = mkdtempSync(path.join(tmpdir(), 'outbox-old-part-'));
    writeFileSync(path.join(dir, 'old.json'), JSON.stringify(old.partial));
    expect(() => readPartials([path.join(dir, 'old.json')])).toThrow(/another outbox-audit version/);
  });

  it('parses i/n and rejects anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow('expected i/n');
  });

  it('runs through the CLI: --shard i/3 -o part, then merge gives the unsharded JSON and exit code', async () => {
    const whole = await runCli([root, '--format', 'json']);
    for (let i = 1; i <= 3; i++) {
      const shard = await runCli([root, '--shard', `${i}/3`, '-o', path.join(work, `part-${i}.json`)]);
      expect(shard.code, shard.stderr).toBe(0);
    }
    const merged = await runCli(['merge', ...[1, 2, 3].map((i) => path.join(work, `part-${i}.json`)), '--format', 'json']);
    expect(merged.stdout).toBe(whole.stdout);
    expect(merged.code).toBe(whole.code);
    const missing = await runCli(['merge', path.join(work, 'part-1.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('shard(s) 2/3, 3/3 missing');
    const misplaced = await runCli([root, '--shard', '1/3', '--sarif', path.join(work, 'x.sarif')]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('pass --sarif to outbox-audit merge instead');
    expect(JSON.parse(readFileSync(path.join(work, 'part-1.json'), 'utf8'))).toMatchObject({ kind: 'outbox-audit-partial', shard: { index: 1, count: 3 } });
  });
});
