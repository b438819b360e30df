import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { FileDiagnostic } from 'outbox-analysis';

/** Source extensions the analysis reads. */
export const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);

/** Directories never worth entering, whatever the config says. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);

export interface DiscoveredFile {
  /** Absolute path. */
  absolute: string;
  /** Relative to the audited root, with '/'. */
  relative: string;
  size: number;
  /** Modification time (ms), for --cache: with the size, it lets an unchanged file go unread. */
  mtimeMs: number;
}

export interface Discovery {
  files: DiscoveredFile[];
  diagnostics: FileDiagnostic[];
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/**
 * Lists the source files under `root`, skipping ignored folders. Symbolic links to folders are followed once (a
 * loop is a diagnostic, not a hang); unreadable folders and files are diagnostics with their path.
 */
export async function discoverFiles(root: string, ignore: string[]): Promise<Discovery> {
  const isIgnored = picomatch(ignore, { dot: true });
  const files: DiscoveredFile[] = [];
  const diagnostics: FileDiagnostic[] = [];
  const visited = new Set<string>();
  const reason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

  // Synchronous on purpose: a tree of thousands of folders is listed several times faster than with one promise per
  // entry, and nothing else runs while the audit lists its input.
  const walk = (dir: string, relDir: string): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (error) {
      diagnostics.push({ file: relDir || '.', message: `cannot resolve folder: ${reason(error)}` });
      return;
    }
    if (visited.has(real)) {
      diagnostics.push({ file: relDir || '.', message: 'symbolic link loop: folder already visited, not entered again' });
      return;
    }
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      diagnostics.push({ file: relDir || '.', message: `cannot read folder: ${reason(error)}` });
      return;
    }
    const subdirs: [string, string][] = [];
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size: number | undefined;
      let mtimeMs = 0;
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(abs);
          isDir = target.isDirectory();
          isFile = target.isFile();
          size = target.size;
          mtimeMs = target.mtimeMs;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (SOURCE_EXTENSIONS.has(path.extname(entry.name)) || code === 'ELOOP') {
            diagnostics.push({ file: rel, message: code === 'ELOOP' ? 'symbolic link loop' : `broken symbolic link (${code})` });
          }
          continue;
        }
      }
      if (isDir) {
        // A folder is skipped when a file inside it would be ignored (`**/dist/**` matches `dist/<anything>`).
        if (ALWAYS_SKIPPED.has(entry.name) || isIgnored(`${rel}/__outbox_probe__`)) continue;
        subdirs.push([abs, rel]);
      } else if (isFile && SOURCE_EXTENSIONS.has(path.extname(entry.name)) && !isIgnored(rel)) {
        if (size === undefined) {
          try {
            const info = statSync(abs);
            size = info.size;
            mtimeMs = info.mtimeMs;
          } catch {
            size = 0; // reading it later reports why
          }
        }
        files.push({ absolute: abs, relative: rel, size, mtimeMs });
      }
    }
    for (const [abs, rel] of subdirs) walk(abs, rel);
  };

  walk(root, '');
  files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return { files, diagnostics };
}

export type SourceText = { ok: true; text: string } | { ok: false; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a source file as UTF-8 text, or says why it cannot be analysed (unreadable, too big, binary, not UTF-8). */
export async function readSource(file: string, maxBytes: number): Promise<SourceText> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return { ok: false, message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  return decodeSource(bytes, maxBytes);
}

export function decodeSource(bytes: Uint8Array, maxBytes: number): SourceText {
  if (bytes.length > maxBytes) {
    return { ok: false, message: `file too large to analyse (${(bytes.length / 1048576).toFixed(1)} MiB > ${(maxBytes / 1048576).toFixed(1)} MiB; raise --max-file-size to include it)` };
  }
  const probe = bytes.subarray(0, 8000);
  if (probe.includes(0)) return { ok: false, message: 'binary file (contains NUL bytes), not analysed' };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false, message: 'not valid UTF-8, not analysed (re-encode the file as UTF-8)' };
  }
}

export { toPosix };
