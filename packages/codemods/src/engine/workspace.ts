import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { analyzeSourceFile, resolveSettings, type FileAnalysis, type OutboxSettings, type PartialSettings } from 'outbox-analysis';
import { parseSource } from './parse.js';
import type { CodemodOptions, SkipEntry, TransformName, Workspace } from './types.js';

/** The files the codemods read and write. */
export const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage']);

/** A file as it was on disk when the run started, and as the transforms have left it. */
export interface FileChange {
  path: string;
  /** Undefined for a file the run creates. */
  before: string | undefined;
  after: string;
}

/**
 * The workspace of one run: an overlay of pending texts over the files of the root (or over an in-memory tree in
 * tests). Transforms read and write through it; the engine decides what reaches the disk.
 */
export class OverlayWorkspace implements Workspace {
  readonly settings: OutboxSettings;
  private readonly original = new Map<string, string>();
  private readonly current = new Map<string, string>();
  private readonly analyses = new Map<string, { text: string; analysis: FileAnalysis }>();
  private readonly listed: string[];
  private readonly listedSet: Set<string>;
  /** files(), until a write creates a file: transforms ask for it often, and it is the same list. */
  private filesCache: string[] | undefined;
  private readonly skips: SkipEntry[] = [];
  /** Set by the engine while a transform runs, so skips are attributed to it. */
  activeTransform: TransformName = 'service-commit';

  constructor(
    readonly root: string,
    readonly options: CodemodOptions,
    partialSettings: PartialSettings = {},
    /** For tests: the whole tree in memory, relative path → text. Otherwise read lazily from `root`. */
    private readonly memory?: Map<string, string>,
  ) {
    this.settings = resolveSettings(partialSettings);
    this.listed = memory ? [...memory.keys()].sort() : listSources(root);
    this.listedSet = new Set(this.listed);
  }

  files(): string[] {
    if (!this.filesCache) {
      const created = [...this.current.keys()].filter((p) => !this.listedSet.has(p));
      this.filesCache = created.length === 0 ? this.listed : [...this.listed, ...created].sort();
    }
    return [...this.filesCache];
  }

  exists(file: string): boolean {
    return this.current.has(file) || this.listedSet.has(file) || (!this.memory && existsOnDisk(path.join(this.root, file)));
  }

  read(file: string): string {
    const pending = this.current.get(file);
    if (pending !== undefined) return pending;
    return this.load(file);
  }

  write(file: string, text: string): void {
    const before = this.exists(file) ? this.read(file) : undefined;
    if (before === text) return;
    if (before !== undefined && !this.original.has(file)) this.original.set(file, before);
    if (!this.listedSet.has(file) && !this.current.has(file)) this.filesCache = undefined;
    this.current.set(file, text);
  }

  analysis(file: string): FileAnalysis {
    const text = this.read(file);
    const cached = this.analyses.get(file);
    if (cached && cached.text === text) return cached.analysis;
    const analysis = analyzeSourceFile(parseSource(file, text), file, this.settings);
    this.analyses.set(file, { text, analysis });
    return analysis;
  }

  skip(entry: Omit<SkipEntry, 'transform'>): void {
    const full = { ...entry, transform: this.activeTransform };
    if (!this.skips.some((s) => s.transform === full.transform && s.file === full.file && s.line === full.line && s.reason === full.reason)) {
      this.skips.push(full);
    }
  }

  skipped(): SkipEntry[] {
    return [...this.skips];
  }

  /** Every file whose text differs from how the run found it (created files included). */
  changes(): FileChange[] {
    const out: FileChange[] = [];
    for (const [file, after] of this.current) {
      const before = this.original.get(file);
      if (before === after) continue;
      out.push({ path: file, before, after });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Puts a file back as it was (the engine does this when a transform's output does not parse). */
  revert(file: string): void {
    const before = this.original.get(file);
    if (before === undefined) {
      this.current.delete(file);
      this.filesCache = undefined;
    } else this.current.set(file, before);
  }

  private load(file: string): string {
    if (this.memory) {
      const text = this.memory.get(file);
      if (text === undefined) throw new Error(`no such file in the workspace: ${file}`);
      return text;
    }
    const text = readFileSync(path.join(this.root, file), 'utf8');
    this.current.set(file, text);
    this.original.set(file, text);
    return text;
  }
}

function existsOnDisk(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function listSources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path.join(dir, entry.name), rel ? `${rel}/${entry.name}` : entry.name);
      } else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push(rel ? `${rel}/${entry.name}` : entry.name);
      }
    }
  };
  walk(root, '');
  return out.sort();
}
