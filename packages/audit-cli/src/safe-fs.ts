import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * File access for a tool that runs on untrusted pull requests: the tree it reads and the folders it writes to may
 * hold links planted to make it read or overwrite something else.
 */

/** Is `candidate` (an absolute, link-free path) `root` itself or inside it? */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/** The real path of `file` when it is inside `root` (itself a real path), else undefined; throws what realpath throws. */
export function realPathInside(root: string, file: string): string | undefined {
  const real = realpathSync(file);
  return isInside(root, real) ? real : undefined;
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Reads a regular file of at most `limit` bytes. With `noFollow`, a symbolic link in the last component is refused
 * (ELOOP) instead of followed: for files a pull request could replace by a link (a cache, a baseline).
 */
export function readRegularFile(file: string, options: { limit: number; noFollow?: boolean }): Buffer {
  const fd = openSync(file, constants.O_RDONLY | (options.noFollow ? NOFOLLOW : 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw Object.assign(new Error(`${file}: not a regular file`), { code: 'ENOTFILE' });
    if (info.size > options.limit) throw Object.assign(new Error(`${file}: larger than ${options.limit} bytes`), { code: 'ETOOBIG' });
    const buffer = Buffer.alloc(info.size);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` to `file` so that a reader never sees half of it and nothing is written through a planted link: the
 * text goes to a new file with a random name in the same folder, created exclusively (`O_EXCL`: an existing file or
 * link of that name makes the open fail, and another name is tried), which is then renamed over `file`. A rename
 * replaces a link at `file` itself; it never writes to the link's target.
 */
export function writeFileAtomic(file: string, text: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  let fd: number | undefined;
  let tmp = '';
  for (let attempt = 0; fd === undefined; attempt++) {
    tmp = path.join(dir, `.${base}.${randomBytes(8).toString('hex')}.tmp`);
    try {
      fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o666);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 8) throw error;
    }
  }
  try {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw error;
  }
}
