import { readdirSync, readlinkSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { isAscii } from 'node:buffer';
import { compileGlobs, type FileDiagnostic } from 'outbox-analysis/core';
import { isInside } from './safe-fs.js';

/** Source extensions the analysis reads. */
export const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);

/** Directories never worth entering, whatever the config says. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);

/** Folders deeper than this are not entered (a diagnostic instead): real code is never nested so deep. */
export const MAX_FOLDER_DEPTH = 100;
/** Paths (relative to the root) longer than this are not read (a diagnostic instead). */
export const MAX_PATH_LENGTH = 1024;

export interface DiscoveredFile {
  /** Absolute path (a link's own path when reached through a link inside the root). */
  absolute: string;
  /** Relative to the audited root, with '/'. */
  relative: string;
  size: number;
  /** Modification time (ms), for --cache: with the size, it lets an unchanged file go unread. */
  mtimeMs: number;
  /** Reached through a symbolic link (to a file inside the root); other files are opened without following links. */
  viaLink?: boolean;
}

/** Why a path found while listing the tree is not analysed. */
export type DiscoveryProblemKind = 'link-outside-root' | 'folder-too-deep' | 'path-too-long' | 'folder-unreadable';

/**
 * A path that could hold code the audit does not read. Whether it fails the gate is decided with the settings (a
 * file in scope, or any folder): see audit.ts.
 */
export interface DiscoveryProblem {
  file: string;
  kind: DiscoveryProblemKind;
  message: string;
  folder: boolean;
}

export interface Discovery {
  files: DiscoveredFile[];
  /** Folders (relative, '' for the root) that hold a package.json: the packages modules are named after. */
  packageDirs: string[];
  /** Everything worth telling about the listing (problems included). */
  diagnostics: FileDiagnostic[];
  problems: DiscoveryProblem[];
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/**
 * Lists the source files under `root`, skipping ignored folders. The root is a boundary: a symbolic link that leads
 * out of it is reported and never followed (its target is never read, listed or stat-ed past the link itself).
 * Links inside the root are followed after the real folders have been listed, so a file is found under its own path
 * first, and a folder reached again (a loop, or a second link to it) is not entered twice. Unreadable folders,
 * folders nested too deep and over-long paths are reported with their path.
 */
export async function discoverFiles(root: string, ignore: string[]): Promise<Discovery> {
  const isIgnored = compileGlobs(ignore);
  const rootReal = realpathSync(root);
  const files: DiscoveredFile[] = [];
  const packageDirs: string[] = [];
  const diagnostics: FileDiagnostic[] = [];
  const problems: DiscoveryProblem[] = [];
  const visited = new Set<string>();
  const links: { abs: string; rel: string; parentReal: string }[] = [];
  const reason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);
  const problem = (file: string, kind: DiscoveryProblemKind, message: string, folder: boolean) => {
    problems.push({ file, kind, message, folder });
    diagnostics.push({ file, message });
  };
  const isSource = (name: string) => SOURCE_EXTENSIONS.has(path.extname(name));
  // A folder is skipped when a file inside it would be ignored (`**/dist/**` matches `dist/<anything>`).
  const folderIgnored = (name: string, rel: string) => ALWAYS_SKIPPED.has(name) || isIgnored(`${rel}/__outbox_probe__`);

  // Synchronous on purpose: a tree of thousands of folders is listed several times faster than with one promise per
  // entry, and nothing else runs while the audit lists its input.
  const walk = (dir: string, relDir: string, real: string, viaLink: boolean): void => {
    visited.add(real);
    const depth = relDir === '' ? 0 : relDir.split('/').length;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problem(relDir || '.', 'folder-unreadable', `cannot read folder: ${reason(error)}`, true);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        if (!ALWAYS_SKIPPED.has(entry.name)) links.push({ abs, rel, parentReal: real });
      } else if (entry.isDirectory()) {
        if (folderIgnored(entry.name, rel)) continue;
        if (rel.length > MAX_PATH_LENGTH) {
          problem(rel, 'path-too-long', `folder path longer than ${MAX_PATH_LENGTH} characters: not entered`, true);
        } else if (depth + 1 > MAX_FOLDER_DEPTH) {
          problem(rel, 'folder-too-deep', `folder nested more than ${MAX_FOLDER_DEPTH} levels deep: not entered`, true);
        } else {
          walk(abs, rel, path.join(real, entry.name), viaLink);
        }
      } else if (entry.isFile() && entry.name === 'package.json') {
        if (!isIgnored(rel)) packageDirs.push(relDir);
      } else if (entry.isFile() && isSource(entry.name) && !isIgnored(rel)) {
        addFile(abs, rel, viaLink);
      }
    }
  };

  const addFile = (abs: string, rel: string, viaLink: boolean): void => {
    if (rel.length > MAX_PATH_LENGTH) {
      problem(rel, 'path-too-long', `path longer than ${MAX_PATH_LENGTH} characters: not read`, false);
      return;
    }
    let size = 0;
    let mtimeMs = 0;
    try {
      const info = statSync(abs);
      size = info.size;
      mtimeMs = info.mtimeMs;
    } catch {
      // reading it later says why
    }
    files.push({ absolute: abs, relative: rel, size, mtimeMs, ...(viaLink ? { viaLink: true } : {}) });
  };

  /** A link found while listing: followed only when it stays inside the root and leads somewhere new. */
  const follow = (link: { abs: string; rel: string; parentReal: string }): void => {
    const { abs, rel } = link;
    const name = path.basename(abs);
    let target: string;
    try {
      target = readlinkSync(abs);
    } catch (error) {
      diagnostics.push({ file: rel, message: `cannot read symbolic link: ${reason(error)}` });
      return;
    }
    // Judged by its text first: a link that names a place outside the root is not resolved at all.
    const lexical = path.resolve(link.parentReal, target);
    let real: string | undefined;
    if (isInside(rootReal, lexical)) {
      try {
        real = realpathSync(abs);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') diagnostics.push({ file: rel, message: 'symbolic link loop' });
        else if (isSource(name)) diagnostics.push({ file: rel, message: `broken symbolic link (${code})` });
        return;
      }
    }
    if (real === undefined || !isInside(rootReal, real)) {
      const kind = kindByName(name);
      if (kind === 'other-file') return; // never read anyway
      if (kind === 'folder' ? folderIgnored(name, rel) : isIgnored(rel)) return;
      problem(rel, 'link-outside-root', `symbolic link to ${target}, outside the audited root: not followed`, kind === 'folder');
      return;
    }
    let info;
    try {
      info = statSync(real);
    } catch (error) {
      if (isSource(name)) diagnostics.push({ file: rel, message: `broken symbolic link (${reason(error)})` });
      return;
    }
    if (info.isDirectory()) {
      if (folderIgnored(name, rel)) return;
      if (visited.has(real)) {
        // A link to a folder that holds it is a loop; one to a folder listed already is audited under that path.
        if (isInside(real, link.parentReal)) diagnostics.push({ file: rel, message: 'symbolic link loop: leads back to a folder that holds it, not entered' });
        return;
      }
      const depth = rel.split('/').length;
      if (rel.length > MAX_PATH_LENGTH) problem(rel, 'path-too-long', `folder path longer than ${MAX_PATH_LENGTH} characters: not entered`, true);
      else if (depth > MAX_FOLDER_DEPTH) problem(rel, 'folder-too-deep', `folder nested more than ${MAX_FOLDER_DEPTH} levels deep: not entered`, true);
      else walk(abs, rel, real, true);
    } else if (info.isFile() && isSource(name) && !isIgnored(rel)) {
      addFile(abs, rel, true);
    }
  };

  walk(root, '', rootReal, false);
  // Links last, in path order; following one may list more links, which make the next round.
  while (links.length > 0) {
    const round = links.splice(0).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    for (const link of round) follow(link);
  }
  files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  packageDirs.sort();
  return { files, packageDirs, diagnostics, problems };
}

/**
 * Whether a link out of the root stands for a file or a folder, judged by its name alone (finding out would mean
 * reading outside the root): a source extension is a source file, another extension some other file, none a folder.
 */
function kindByName(name: string): 'source' | 'other-file' | 'folder' {
  const ext = path.extname(name);
  return SOURCE_EXTENSIONS.has(ext) ? 'source' : ext !== '' ? 'other-file' : 'folder';
}

export function tooLargeMessage(size: number, maxBytes: number): string {
  return `file too large to analyse (${(size / 1048576).toFixed(1)} MiB > ${(maxBytes / 1048576).toFixed(1)} MiB; raise --max-file-size to include it)`;
}

export type SourceText = { ok: true; text: string } | { ok: false; kind: 'too-large' | 'binary' | 'not-utf8'; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a source file's bytes as UTF-8 text, or says why it cannot be analysed (too big, binary, not UTF-8). */
export function decodeSource(bytes: Uint8Array, maxBytes: number): SourceText {
  if (bytes.length > maxBytes) return { ok: false, kind: 'too-large', message: tooLargeMessage(bytes.length, maxBytes) };
  const probe = bytes.subarray(0, 8000);
  if (probe.includes(0)) return { ok: false, kind: 'binary', message: 'binary file (contains NUL bytes), not analysed' };
  try {
    // Most source is ASCII, which needs no decoding: Latin-1 gives the same string without the UTF-8 decoder's pass.
    return { ok: true, text: isAscii(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') : utf8.decode(bytes) };
  } catch {
    return { ok: false, kind: 'not-utf8', message: 'not valid UTF-8, not analysed (re-encode the file as UTF-8)' };
  }
}

export { toPosix };
