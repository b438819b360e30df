import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { FileChange } from './workspace.js';

/**
 * Writing a run's changes so that a crash, a kill or a full disk never leaves a half-migrated tree:
 *
 * 1. Check every target first: inside the root, reached through no symbolic link, a regular file or a new one,
 *    writable. One refusal and nothing is written.
 * 2. Journal the plan (`.outbox-codemod-journal.json` at the root: each target, its staged temporary file, the hash of
 *    the new text), state `staging`.
 * 3. Stage: each new text goes to a temporary file created exclusively (`wx`, a random name) in its target's folder,
 *    flushed to disk, with the target's mode.
 * 4. Journal state `committing` (replaced atomically), then each temporary file is renamed over its target.
 * 5. The journal goes.
 *
 * A run that finds a journal first finishes what it says (`recoverInterruptedWrite`): `staging` means nothing was
 * changed yet, so the staged files go; `committing` means every new text is on disk, so the remaining renames are
 * done. Either way the tree ends as one whole run would have left it.
 */

export const JOURNAL = '.outbox-codemod-journal.json';

interface Journal {
  tool: 'outbox-codemod';
  version: 1;
  state: 'staging' | 'committing';
  entries: { path: string; temp: string; sha256: string }[];
}

/** A change that cannot be written, and why: nothing is written then. */
export class WriteRefusedError extends Error {
  constructor(readonly problems: { file: string; reason: string }[]) {
    super(`refusing to write: ${problems.map((p) => `${p.file}: ${p.reason}`).join('; ')}`);
  }
}

/** Did an interrupted --write leave its journal at the root (a file, or a link planted there)? */
export function hasJournal(root: string): boolean {
  const file = path.join(root, JOURNAL);
  return existsSync(file) || isLink(file);
}

/** Test hook: `stage:N` or `rename:N` makes the writer stop after N files of that phase (see test/write.test.ts). */
const PAUSE_ENV = 'OUTBOX_CODEMOD_TEST_PAUSE_AT';

export function writeChanges(root: string, changes: readonly FileChange[]): void {
  if (changes.length === 0) return;
  const base = realpathSync(root);
  const journalPath = path.join(base, JOURNAL);
  if (existsSync(journalPath) || isLink(journalPath)) throw new WriteRefusedError([{ file: JOURNAL, reason: 'an interrupted run left its journal; run again to finish it first' }]);

  const problems: { file: string; reason: string }[] = [];
  const targets = changes.map((change) => {
    const reason = targetProblem(base, change);
    if (reason) problems.push({ file: change.path, reason });
    return { change, target: path.join(base, ...change.path.split('/')) };
  });
  if (problems.length > 0) throw new WriteRefusedError(problems);

  const pause = pausePoint();
  const journal: Journal = {
    tool: 'outbox-codemod',
    version: 1,
    state: 'staging',
    entries: targets.map(({ change, target }) => ({
      path: change.path,
      temp: path.posix.join(path.posix.dirname(change.path), `.${path.basename(target)}.outbox-codemod-${randomBytes(8).toString('hex')}.tmp`),
      sha256: sha256(change.after),
    })),
  };
  writeJournal(base, journal);

  try {
    stage(base, journal, targets, pause);
  } catch (error) {
    // Nothing was renamed: the staged files and the journal go, and the tree is as it was.
    for (const entry of journal.entries) {
      const temp = path.join(base, ...entry.temp.split('/'));
      if (isRegularFile(temp)) unlinkSync(temp);
    }
    unlinkSync(journalPath);
    if (error instanceof WriteRefusedError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new WriteRefusedError([{ file: '(staging)', reason: `${code ?? ''} ${error instanceof Error ? error.message : String(error)}; nothing was written`.trim() }]);
  }

  writeJournal(base, { ...journal, state: 'committing' });
  journal.entries.forEach((entry, i) => {
    renameSync(path.join(base, ...entry.temp.split('/')), path.join(base, ...entry.path.split('/')));
    if (pause?.phase === 'rename' && i + 1 === pause.count) stop(`rename ${i + 1}`);
  });
  syncFolders(base, journal.entries.map((e) => e.path));
  unlinkSync(journalPath);
}

/** Writes every new text to its temporary file, flushed, with the target's mode. */
function stage(base: string, journal: Journal, targets: { change: FileChange; target: string }[], pause: ReturnType<typeof pausePoint>): void {
  targets.forEach(({ change, target }, i) => {
    makeParents(base, change.path);
    let mode: number | undefined;
    try {
      mode = statSync(target).mode & 0o7777;
    } catch {
      mode = undefined;
    }
    const temp = path.join(base, ...journal.entries[i]!.temp.split('/'));
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o666);
    try {
      const bytes = Buffer.from(change.after, 'utf8');
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
      if (mode !== undefined) fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (pause?.phase === 'stage' && i + 1 === pause.count) stop(`stage ${i + 1}`);
  });
}

/**
 * Finishes the write an interrupted run left (see the top of this file). Returns what it did, or undefined when there
 * was no journal. Throws WriteRefusedError when the tree no longer matches the journal (someone changed a file since).
 */
export function recoverInterruptedWrite(root: string): { finished: string[]; discarded: string[] } | undefined {
  const base = realpathSync(root);
  const journalPath = path.join(base, JOURNAL);
  if (isLink(journalPath)) throw new WriteRefusedError([{ file: JOURNAL, reason: 'is a symbolic link; remove it' }]);
  if (!existsSync(journalPath)) return undefined;
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(journalPath, 'utf8')) as Journal;
    if (journal.tool !== 'outbox-codemod' || journal.version !== 1 || !Array.isArray(journal.entries)) throw new Error('not a journal of this version');
  } catch (error) {
    throw new WriteRefusedError([{ file: JOURNAL, reason: `cannot be read (${error instanceof Error ? error.message : String(error)}); remove it after checking the tree` }]);
  }
  // The journal names files under the root only; anything else is not ours to touch.
  for (const entry of journal.entries) {
    for (const rel of [entry.path, entry.temp]) {
      if (!safeRelative(rel)) throw new WriteRefusedError([{ file: JOURNAL, reason: `names a path outside the root (${rel}); remove it after checking the tree` }]);
    }
  }
  const out = { finished: [] as string[], discarded: [] as string[] };
  if (journal.state === 'staging') {
    // Nothing was renamed yet: the tree is as it was; the staged files go.
    for (const entry of journal.entries) {
      const temp = path.join(base, ...entry.temp.split('/'));
      if (isRegularFile(temp)) {
        unlinkSync(temp);
        out.discarded.push(entry.path);
      }
    }
  } else {
    const problems: { file: string; reason: string }[] = [];
    for (const entry of journal.entries) {
      const temp = path.join(base, ...entry.temp.split('/'));
      const target = path.join(base, ...entry.path.split('/'));
      if (isRegularFile(temp)) continue;
      if (!isRegularFile(target) || sha256(readFileSync(target, 'utf8')) !== entry.sha256) {
        problems.push({ file: entry.path, reason: 'the interrupted run had already written it, and it has changed since; check it, then remove the journal' });
      }
    }
    if (problems.length > 0) throw new WriteRefusedError(problems);
    for (const entry of journal.entries) {
      const temp = path.join(base, ...entry.temp.split('/'));
      if (!isRegularFile(temp)) continue;
      if (targetProblem(base, { path: entry.path, before: undefined, after: '' }, { recovering: true })) {
        problems.push({ file: entry.path, reason: 'cannot be finished: the target is now a link or not writable' });
        continue;
      }
      renameSync(temp, path.join(base, ...entry.path.split('/')));
      out.finished.push(entry.path);
    }
    if (problems.length > 0) throw new WriteRefusedError(problems);
    syncFolders(base, journal.entries.map((e) => e.path));
  }
  unlinkSync(journalPath);
  return out;
}

/**
 * Why a change cannot be written (undefined when it can). When recovering, the journal's hash stands for the text the
 * run read, so the file is not compared with it.
 */
function targetProblem(base: string, change: FileChange, options: { recovering?: boolean } = {}): string | undefined {
  if (!safeRelative(change.path)) return 'the path leaves the root';
  const parts = change.path.split('/');
  // Every folder on the way must be a real folder (or not exist yet): never write through a link.
  let current = base;
  for (const part of parts.slice(0, -1)) {
    current = path.join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      break;
    }
    if (stat.isSymbolicLink()) return `${path.relative(base, current).split(path.sep).join('/')} is a symbolic link; outbox-codemod does not write through links`;
    if (!stat.isDirectory()) return `${path.relative(base, current).split(path.sep).join('/')} is not a folder`;
  }
  const target = path.join(base, ...parts);
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return createdBy(change) || options.recovering ? undefined : 'the file was removed since the run read it; run again';
  }
  if (createdBy(change) && !options.recovering) return 'a file the run creates exists already; run again';
  if (stat.isSymbolicLink()) return 'is a symbolic link; outbox-codemod does not write through links';
  if (!stat.isFile()) return 'is not a regular file';
  if ((stat.mode & 0o222) === 0) return 'is read-only; make it writable (chmod u+w) to let outbox-codemod change it';
  try {
    // The mode may say writable while this process cannot write (another owner, a read-only mount).
    accessSync(target, constants.W_OK);
  } catch (error) {
    return `is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (!options.recovering && !asTheRunRead(readFileSync(target, 'utf8'), change)) return 'changed on disk since the run read it; run again';
  return undefined;
}

/** A file the run creates (asked without reading a `before` the change reads from disk: see FileChange). */
function createdBy(change: FileChange): boolean {
  return change.beforeSha256 === undefined && change.before === undefined;
}

/** Does the file on disk still hold what the run read (its text, or the digest of it)? */
function asTheRunRead(onDisk: string, change: FileChange): boolean {
  return change.beforeSha256 !== undefined ? sha256(onDisk) === change.beforeSha256 : onDisk === change.before;
}

function safeRelative(rel: string): boolean {
  return rel !== '' && !path.posix.isAbsolute(rel) && !rel.split('/').some((part) => part === '..' || part === '' || part === '.') && !rel.includes('\\') && !rel.includes('\0');
}

function makeParents(base: string, rel: string): void {
  let current = base;
  for (const part of rel.split('/').slice(0, -1)) {
    current = path.join(current, part);
    try {
      mkdirSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lstatSync(current).isDirectory()) throw new WriteRefusedError([{ file: rel, reason: `${path.relative(base, current)} is not a folder (or is a link)` }]);
    }
  }
}

function writeJournal(base: string, journal: Journal): void {
  const temp = path.join(base, `.outbox-codemod-journal.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
  try {
    writeSync(fd, `${JSON.stringify(journal, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path.join(base, JOURNAL));
  syncFolder(base);
}

/** Renames are durable once their folders are flushed (best effort: not every platform can open a folder). */
function syncFolders(base: string, files: string[]): void {
  for (const dir of new Set(files.map((f) => path.join(base, ...path.posix.dirname(f).split('/'))))) syncFolder(dir);
  syncFolder(base);
}

function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not supported here (Windows): the rename itself is still atomic.
  }
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function isRegularFile(file: string): boolean {
  try {
    return lstatSync(file).isFile();
  } catch {
    return false;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function pausePoint(): { phase: 'stage' | 'rename'; count: number } | undefined {
  const value = process.env[PAUSE_ENV];
  const match = value ? /^(stage|rename):(\d+)$/.exec(value) : null;
  return match ? { phase: match[1] as 'stage' | 'rename', count: Number(match[2]) } : undefined;
}

/** The test hook's stop: says where, then waits to be killed (a minute at most). */
function stop(where: string): void {
  process.stderr.write(`outbox-codemod: paused at ${where} (${PAUSE_ENV})\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

/** What git says about the tree under `root`: see dirtyFiles. */
export type TreeState =
  | { state: 'clean' }
  | { state: 'dirty'; files: string[] }
  | { state: 'not-a-repository' }
  | { state: 'unknown'; reason: string };

/**
 * Files with uncommitted changes under `root`. A folder in no git work tree (no `.git` above it) has nothing to protect
 * beyond its files. When git cannot answer for one that is in a repository — not installed, dubious ownership, a
 * broken repository — the state is `unknown`, and a write must be refused (fail closed) unless forced.
 */
export function treeState(root: string): TreeState {
  if (!insideRepository(root)) return { state: 'not-a-repository' };
  const result = spawnSync('git', ['status', '--porcelain', '--', '.'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return { state: 'unknown', reason: code === 'ENOENT' ? 'git is not installed (or not on PATH)' : result.error.message };
  }
  if (result.status !== 0) {
    const message = (result.stderr || result.stdout || `exit ${result.status}`).trim().split('\n').find((line) => line.trim() !== '') ?? `exit ${result.status}`;
    return { state: 'unknown', reason: `git status failed: ${message.replace(/^fatal:\s*/, '')}` };
  }
  const files = result.stdout.split('\n').filter((line) => line.trim() !== '');
  return files.length > 0 ? { state: 'dirty', files } : { state: 'clean' };
}

/** Kept for callers of the earlier API: the dirty files, undefined outside a repository; throws when git cannot say. */
export function dirtyFiles(root: string): string[] | undefined {
  const state = treeState(root);
  if (state.state === 'unknown') throw new Error(`cannot tell whether ${root} has uncommitted changes: ${state.reason}`);
  return state.state === 'dirty' ? state.files : state.state === 'clean' ? [] : undefined;
}

/** A `.git` folder or file in `root` or a folder above it (what git itself looks for). */
function insideRepository(root: string): boolean {
  if (process.env.GIT_DIR) return true;
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}
