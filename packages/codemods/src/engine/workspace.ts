import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeSourceFile, resolveSettings, type FileAnalysis, type OutboxSettings, type PartialSettings } from 'outbox-analysis';
import { parseSource } from './parse.js';
import type { CodemodOptions, SkipEntry, TransformName, UnitClaim, Workspace } from './types.js';
import type { CheckedTree } from './typecheck.js';

/** The files the codemods read and write. */
export const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage']);

export interface WorkspaceSnapshot {
  readonly current: ReadonlyMap<string, string>;
  /** How many skips there were; the entries themselves, for a restore that goes forward again. */
  readonly skips: number;
  readonly skipEntries: readonly SkipEntry[];
}

/** A file as it was on disk when the run started, and as the transforms have left it. */
export interface FileChange {
  path: string;
  /** Undefined for a file the run creates. */
  before: string | undefined;
  after: string;
  /**
   * Set when the run did not keep the text it read (see OverlayWorkspace): the SHA-256 of that text, in hex. `before`
   * then reads the file again, and throws if it no longer has this digest; the writer compares the file with it.
   */
  beforeSha256?: string;
}

/** The SHA-256 of a text's UTF-8 bytes, in hex. */
export function textSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A change to a file whose text as the run read it is on disk only: read again, and checked, when asked for. */
class ChangeOfFileOnDisk implements FileChange {
  constructor(
    readonly path: string,
    readonly after: string,
    readonly beforeSha256: string,
    private readonly root: string,
  ) {}

  get before(): string {
    return readUnchanged(this.root, this.path, this.beforeSha256);
  }
}

/** What the run read from a file it has changed since: its digest and length (the text itself is on disk). */
interface ReadDigest {
  sha256: string;
  length: number;
}

/** A file's text, which must be the one the run read (it has that digest): anything else stops the run. */
function readUnchanged(root: string, file: string, sha256: string): string {
  const text = regularFileUnder(root, file) ? readFileSync(path.join(root, file), 'utf8') : undefined;
  if (text === undefined || textSha256(text) !== sha256) throw new Error(`${file} changed on disk since the run read it; run again`);
  return text;
}

/**
 * The workspace of one run: an overlay of pending texts over the files of the root (or over an in-memory tree in
 * tests). Transforms read and write through it; the engine decides what reaches the disk.
 */
export class OverlayWorkspace implements Workspace, CheckedTree {
  readonly settings: OutboxSettings;
  /** What a file held when the run read it, as long as the file is unchanged (then it is the text `current` holds). */
  private readonly original = new Map<string, string>();
  /**
   * What a file held when the run read it, once the run has changed it: a digest only. The text is still on disk
   * (nothing is written before the run ends) and is read again when asked for, checked against the digest. Keeping
   * every changed file's first text cost 23 MB of the live heap at the peak of a run over 5,000 files. Trees read
   * from disk only; an in-memory tree keeps its texts anyway.
   */
  private readonly readDigests = new Map<string, ReadDigest>();
  private readonly current = new Map<string, string>();
  private readonly analyses = new Map<string, { text: string; analysis: FileAnalysis }>();
  private readonly listed: string[];
  /** Symbolic links under the root: not followed, so what they point to is neither read nor changed. */
  private readonly links: string[] = [];
  private readonly listedSet: Set<string>;
  /** files(), until a write creates a file: transforms ask for it often, and it is the same list. */
  private filesCache: string[] | undefined;
  private readonly skips: SkipEntry[] = [];
  /** skipKey of each entry of `skips`: a repeated skip is found without a walk over all of them (thousands in a run). */
  private skipKeys = new Set<string>();
  /** Set by the engine while a transform runs, so skips are attributed to it. */
  activeTransform: TransformName = 'service-commit';
  /** Units of work the running transform must leave out (set by the engine), and the claims it made. */
  private exclusions: ReadonlySet<string> = new Set();
  private claimList: UnitClaim[] = [];
  /**
   * Whether claims are recorded: only a type check traces an error back through them, so the engine turns this off
   * for a run without one (at 5,000 files, the claims of one transform were 5 MB).
   */
  recordClaims = true;

  constructor(
    readonly root: string,
    readonly options: CodemodOptions,
    partialSettings: PartialSettings = {},
    /** For tests: the whole tree in memory, relative path → text. Otherwise read lazily from `root`. */
    private readonly memory?: Map<string, string>,
  ) {
    this.settings = resolveSettings(partialSettings);
    if (memory) this.listed = [...memory.keys()].sort();
    else {
      const found = listSources(root);
      this.listed = found.files;
      this.links = found.links;
    }
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
    return this.current.has(file) || this.listedSet.has(file) || (!this.memory && regularFileUnder(this.root, file));
  }

  listFiles(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir.replace(/\/+$/, '')}/`;
    const found = new Set<string>();
    if (this.memory) {
      for (const file of this.memory.keys()) if (file.startsWith(prefix)) found.add(file);
    } else if (!dir.split('/').some((part) => part === '..') && (dir === '' || directoryUnder(this.root, dir))) {
      for (const file of listAll(path.join(this.root, dir))) found.add(prefix + file);
    }
    for (const file of this.current.keys()) if (file.startsWith(prefix)) found.add(file);
    return [...found].sort();
  }

  read(file: string): string {
    const pending = this.current.get(file);
    if (pending !== undefined) return pending;
    return this.load(file);
  }

  write(file: string, text: string): void {
    const before = this.exists(file) ? this.read(file) : undefined;
    if (before === text) return;
    // `original` only ever holds what was there when the run started: a file an earlier transform created stays a
    // new file however often later transforms edit it (so the dry-run diff creates it instead of patching it).
    if (!this.current.has(file)) {
      if (before !== undefined) this.original.set(file, before);
      if (!this.listedSet.has(file)) this.filesCache = undefined;
    }
    this.current.set(file, ownText(text));
    const read = this.memory ? undefined : this.original.get(file);
    if (read !== undefined && read !== text) {
      this.original.delete(file);
      this.readDigests.set(file, { sha256: textSha256(read), length: read.length });
    }
    // Its analysis is of a text that is gone: dropped now, so that text and its facts need not be kept until the
    // next question about the file (at thousands of files, a version of every file's text too many).
    this.analyses.delete(file);
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
    const key = skipKey(full);
    if (!this.skipKeys.has(key)) {
      this.skipKeys.add(key);
      this.skips.push(full);
    }
  }

  excluded(key: string): boolean {
    return this.exclusions.has(key);
  }

  claim(claim: UnitClaim): void {
    if (!this.recordClaims) return;
    // A claim outlives the text it names: the engine keeps a transform's claims for the whole run. Its names are
    // often substrings of that text, and V8 keeps a substring as a view of the whole (the class name of a claim held
    // a version of its file that later transforms had replaced). A structured clone holds copies of its own.
    this.claimList.push(structuredClone(claim));
  }

  /** The engine starts a transform (again): its skips, its exclusions, a fresh list of claims. */
  beginTransform(name: TransformName, exclusions: ReadonlySet<string>): void {
    this.activeTransform = name;
    this.exclusions = exclusions;
    this.claimList = [];
  }

  claims(): UnitClaim[] {
    return [...this.claimList];
  }

  get inMemory(): boolean {
    return this.memory !== undefined;
  }

  /** What a file held when the run started (any file under the root, not only sources); undefined if nothing. */
  baselineText(file: string): string | undefined {
    if (this.memory) return this.memory.get(file);
    const known = this.original.get(file);
    if (known !== undefined) return known;
    const digest = this.readDigests.get(file);
    if (digest !== undefined) return readUnchanged(this.root, file, digest.sha256);
    if (this.current.has(file)) return undefined;
    return regularFileUnder(this.root, file) ? readFileSync(path.join(this.root, file), 'utf8') : undefined;
  }

  /** The text the run would leave in a file it changed or created; undefined for a file it did not touch. */
  pendingText(file: string): string | undefined {
    const text = this.current.get(file);
    return text !== undefined && !this.isAsRead(file, text) ? text : undefined;
  }

  /** The state of the run, to go back to when a transform's attempt is dropped. */
  snapshot(): WorkspaceSnapshot {
    return { current: new Map(this.current), skips: this.skips.length, skipEntries: [...this.skips] };
  }

  restore(snapshot: WorkspaceSnapshot): void {
    this.current.clear();
    for (const [file, text] of snapshot.current) this.current.set(file, text);
    // A snapshot taken later than the present state (the engine steps forward through a pass) has more skips than
    // there are now: they come back from its own copy, never as holes.
    this.skips.splice(0, this.skips.length, ...snapshot.skipEntries);
    this.skipKeys = new Set(this.skips.map(skipKey));
    this.filesCache = undefined;
  }

  /** What the run did not read, and why: links under the root are never followed (reads and writes stay inside). */
  unread(): { file: string; reason: string }[] {
    return this.links.map((file) => ({ file, reason: 'a symbolic link: not followed, so the code it points to is neither read nor migrated' }));
  }

  skipped(): SkipEntry[] {
    return [...this.skips];
  }

  /** Every file whose text differs from how the run found it (created files included). */
  changes(): FileChange[] {
    const out: FileChange[] = [];
    for (const [file, after] of this.current) {
      if (this.isAsRead(file, after)) continue;
      const digest = this.readDigests.get(file);
      out.push(digest ? new ChangeOfFileOnDisk(file, after, digest.sha256, this.root) : { path: file, before: this.original.get(file), after });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Puts a file back as it was (the engine does this when a transform's output does not parse). */
  revert(file: string): void {
    const before = this.readDigests.has(file) ? this.baselineText(file) : this.original.get(file);
    if (before === undefined) {
      this.current.delete(file);
      this.filesCache = undefined;
    } else this.current.set(file, before);
  }

  /** Whether `text` is what the file held when the run read it (false for a file the run creates). */
  private isAsRead(file: string, text: string): boolean {
    const read = this.original.get(file);
    if (read !== undefined) return read === text;
    const digest = this.readDigests.get(file);
    return digest !== undefined && digest.length === text.length && textSha256(text) === digest.sha256;
  }

  private load(file: string): string {
    if (this.memory) {
      const text = this.memory.get(file);
      if (text === undefined) throw new Error(`no such file in the workspace: ${file}`);
      return text;
    }
    if (!regularFileUnder(this.root, file)) throw new Error(`${file}: not a regular file under ${this.root} (a link, or missing); not read`);
    const text = readFileSync(path.join(this.root, file), 'utf8');
    this.current.set(file, text);
    this.original.set(file, text);
    return text;
  }
}

/**
 * A new text as one string of its own. Transforms build it by concatenating slices of the text they edited, and V8
 * keeps both as views of that text: stored as built, a written version holds the version before it until something
 * reads it whole, the file's next analysis or the end of the run (a heap snapshot at 5,000 files found 8 MB of
 * replaced texts held that way). A structured clone is a copy; joining or `String()` can hand back the same string.
 */
function ownText(text: string): string {
  return structuredClone(text);
}

/** What makes two skips the same one: the transform, the place and the reason. */
function skipKey(entry: SkipEntry): string {
  return `${entry.transform}\0${entry.file}\0${entry.line ?? ''}\0${entry.reason}`;
}

/** A regular file at `rel` under `root`, reached through no symbolic link (links are never followed). */
function regularFileUnder(root: string, rel: string): boolean {
  if (rel.split('/').some((part) => part === '..' || part === '')) return false;
  let current = root;
  const parts = rel.split('/');
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      return false;
    }
    if (stat.isSymbolicLink()) return false;
    if (i < parts.length - 1 ? !stat.isDirectory() : !stat.isFile()) return false;
  }
  return true;
}

/** A folder at `rel` under `root`, reached through no symbolic link. */
function directoryUnder(root: string, rel: string): boolean {
  let current = root;
  for (const part of rel.split('/')) {
    if (part === '' || part === '..') return false;
    current = path.join(current, part);
    try {
      const stat = lstatSync(current);
      if (stat.isSymbolicLink() || !stat.isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Every regular file under a folder, relative to it (links not followed, installs and builds not entered). */
function listAll(dir: string): string[] {
  const files: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path.join(abs, entry.name), childRel);
      } else if (entry.isFile()) files.push(childRel);
    }
  };
  walk(dir, '');
  return files;
}

/** The source files under the root, and the links (to files or folders) found on the way, which are not followed. */
function listSources(root: string): { files: string[]; links: string[] } {
  const files: string[] = [];
  const links: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) links.push(childRel);
      } else if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path.join(dir, entry.name), childRel);
      } else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(childRel);
      }
    }
  };
  walk(root, '');
  return { files: files.sort(), links: links.sort() };
}
