import { addDigests, UsageError } from './audit.js';
import { readRegularFile } from './safe-fs.js';
import { buildReport, type AuditReport, type ReportInput } from './report.js';
import { PARTIAL_KIND, type PartialAudit } from './shard.js';

export interface MergedAudit {
  report: AuditReport;
  target: string;
  rootInRepo: string;
}

/** Reads the partial reports written by `outbox-audit --shard i/n`; a file that is not one is a usage error. */
export function readPartials(files: string[]): { file: string; partial: PartialAudit }[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readRegularFile(file, { limit: 2 * 1024 * 1024 * 1024 - 1 }).toString('utf8');
    } catch (error) {
      throw new UsageError(`${file}: cannot read the partial report (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    let parsed: Partial<PartialAudit>;
    try {
      parsed = JSON.parse(text) as Partial<PartialAudit>;
    } catch (error) {
      throw new UsageError(`${file}: not JSON (${(error as Error).message}); expected the output of outbox-audit --shard i/n`);
    }
    if (parsed?.kind !== PARTIAL_KIND || !parsed.shard || !parsed.input) {
      throw new UsageError(`${file}: not a partial report; write one with outbox-audit <path> --shard i/n -o ${file}`);
    }
    if (parsed.schemaVersion !== 2 || !parsed.tree || !parsed.share) {
      throw new UsageError(`${file}: a partial report of another outbox-audit version (format ${String(parsed.schemaVersion)}); audit every shard with the version that merges`);
    }
    return { file, partial: parsed as PartialAudit };
  });
}

const byFile = <T extends { file: string }>(a: T, b: T): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

/**
 * Joins the shards of one audit into the report an unsharded run gives. Refuses shards that do not belong together
 * (different shard counts, tool versions, settings or workflows: a different commit or config) and a missing or
 * repeated shard, since a report computed from part of the tree would pass a gate it should fail.
 */
export function mergePartials(parts: { file: string; partial: PartialAudit }[]): MergedAudit {
  if (parts.length === 0) throw new UsageError('merge: no partial reports given (outbox-audit merge part-*.json)');
  const [first] = parts;
  const reference = first!.partial;
  const count = reference.shard.count;
  const seen = new Map<number, string>();
  for (const { file, partial } of parts) {
    const differs = (what: string, mine: unknown, theirs: unknown) =>
      new UsageError(`merge: ${file} has ${what} ${String(mine)}, ${first!.file} has ${String(theirs)}; the shards must come from one run over one tree`);
    if (partial.shard.count !== count) throw differs('shard count', partial.shard.count, count);
    if (partial.input.version !== reference.input.version) throw differs('outbox-audit version', partial.input.version, reference.input.version);
    if (partial.input.strict !== reference.input.strict) throw differs('--strict', partial.input.strict, reference.input.strict);
    if (partial.analysis !== reference.analysis) throw differs('analysis code', partial.analysis, reference.analysis);
    if (partial.settingsDigest !== reference.settingsDigest) throw differs('settings digest', partial.settingsDigest, reference.settingsDigest);
    if (partial.maxFileSize !== reference.maxFileSize) throw differs('--max-file-size', partial.maxFileSize, reference.maxFileSize);
    if (partial.tree.files !== reference.tree.files || partial.tree.sum !== reference.tree.sum) {
      throw new UsageError(
        `merge: ${file} saw a tree of ${partial.tree.files} source file(s), ${first!.file} one of ${reference.tree.files} (or other paths); the shards must come from one commit`,
      );
    }
    if (JSON.stringify(partial.input.workflows) !== JSON.stringify(reference.input.workflows)) {
      throw new UsageError(`merge: ${file} and ${first!.file} saw different workflows; the shards must come from one commit`);
    }
    const twin = seen.get(partial.shard.index);
    if (twin) throw new UsageError(`merge: ${file} and ${twin} are both shard ${partial.shard.index}/${count}`);
    seen.set(partial.shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new UsageError(`merge: shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing; a report from part of the tree is not the report`);
  }

  // The shares must add up to the tree: a part relabelled (a share of 1/4 presented as 1/1) covers too little of it.
  const covered = addDigests(parts.map((p) => p.partial.share));
  if (covered.files !== reference.tree.files || covered.sum !== reference.tree.sum) {
    throw new UsageError(
      `merge: the parts cover ${covered.files} of the ${reference.tree.files} source file(s) of the tree (or other files than its own); a part was relabelled or comes from another run`,
    );
  }

  const inputs = parts.map((p) => p.partial.input);
  const input: ReportInput = {
    ...reference.input,
    // The unsharded audit analyses in path order; each file is in exactly one shard.
    analyses: inputs.flatMap((i) => i.analyses).sort(byFile),
    diagnostics: inputs.flatMap((i) => i.diagnostics),
    roles: { router: inputs.reduce((n, i) => n + i.roles.router, 0), service: inputs.reduce((n, i) => n + i.roles.service, 0) },
    unanalysed: inputs.flatMap((i) => i.unanalysed),
    filesScanned: inputs.reduce((n, i) => n + i.filesScanned, 0),
    filesParsed: inputs.reduce((n, i) => n + i.filesParsed, 0),
  };
  return { report: buildReport(input), target: reference.target, rootInRepo: reference.rootInRepo };
}
