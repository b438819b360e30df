import { createHash } from 'node:crypto';
import { InvalidArgumentError } from 'commander';
import type { OutboxSettings } from 'outbox-analysis';
import type { CollectedAudit, TreeDigest } from './audit.js';
import { guardJson } from './printers/escape.js';
import type { ReportInput } from './report.js';

/** Shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

export const PARTIAL_KIND = 'outbox-audit-partial';

/**
 * What `outbox-audit --shard i/n` writes: not a report but the report's inputs for one share of the files — the
 * per-file analyses (operations, router DB calls, and the class, function and import facts the checklist reads), the
 * diagnostics of those files, and what every shard sees whole (the workflows, the config warnings, the checklist
 * settings). `outbox-audit merge` joins the shares and computes the report exactly as an unsharded run does, so every
 * count, checklist item and format comes out the same.
 */
export interface PartialAudit {
  kind: typeof PARTIAL_KIND;
  schemaVersion: 2;
  shard: ShardSpec;
  /** A digest of the resolved settings: shards audited with different settings cannot be merged. */
  settingsDigest: string;
  /** A fingerprint of the analysis code, and the size limit: both decide what the analyses say. */
  analysis: string;
  maxFileSize: number;
  /** The source files of the whole tree and of this shard's share: the shares of one run add up to the tree. */
  tree: TreeDigest;
  share: TreeDigest;
  /** The audited folder as the user named it (the report's title). */
  target: string;
  /** The audited folder relative to the repository (GitHub annotation paths). */
  rootInRepo: string;
  input: ReportInput;
}

/** Parses `i/n` (commander option parser): 1 ≤ i ≤ n ≤ 1024. */
export function parseShard(value: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || count > 1024 || index < 1 || index > count) {
    throw new InvalidArgumentError('expected i/n with 1 ≤ i ≤ n, e.g. 2/4 for the second of four shards');
  }
  return { index, count };
}

export function settingsDigest(settings: OutboxSettings): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

export function createPartial(collected: CollectedAudit, shard: ShardSpec, where: { target: string; rootInRepo: string }): PartialAudit {
  return {
    kind: PARTIAL_KIND,
    schemaVersion: 2,
    shard,
    settingsDigest: settingsDigest(collected.settings),
    analysis: collected.run.analysis,
    maxFileSize: collected.run.maxFileSize,
    tree: collected.run.tree,
    share: collected.run.share,
    target: where.target,
    rootInRepo: where.rootInRepo,
    input: collected.input,
  };
}

/** One line per shard, compact: a partial of a large tree is read by a machine, not a person. */
export function printPartial(partial: PartialAudit): string {
  return guardJson(JSON.stringify(partial)) + '\n';
}
