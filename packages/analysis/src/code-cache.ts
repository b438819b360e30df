import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/**
 * A V8 code cache for the TypeScript compiler, for the command-line tools.
 *
 * Loading TypeScript means compiling one 9 MB script, about 0.1 s of a 2-core machine's time, in every process and in
 * every worker thread. V8 can serialise the compiled code and take it back on the next start, which cuts that to about
 * a third; Node 22 does this for every module (`module.enableCompileCache`), Node 20 does not, so the tools do it
 * for the one module where it pays. What is kept is V8's own data: V8 checks it and rejects it when its version or
 * flags differ, and the file is named after TypeScript's path, version, size and time, so an upgrade gets a new one.
 *
 * Only a folder and a file that belong to this user and that nobody else can write to are read or written.
 *
 * It is off unless a tool turns it on (`enableTypeScriptCodeCache`) before the analysis loads the compiler; inside
 * ESLint the parser has loaded TypeScript already, and the plugin never writes files. `NODE_DISABLE_COMPILE_CACHE=1`
 * (Node's own switch for its cache) turns it off here too. Any failure — an unwritable folder, a rejected cache —
 * falls back to an ordinary `require`, never to an error.
 */

export type CodeCacheState = 'off' | 'used' | 'compiled' | 'rejected' | 'failed';

let cacheDir: string | undefined;
let state: CodeCacheState = 'off';

/** The folder the tools use unless told otherwise: one per user under the system's temporary folder. */
export function defaultCodeCacheDir(): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : (process.env.USERNAME ?? 'user');
  return path.join(tmpdir(), `outbox-toolkit-${user}`, 'v8-cache');
}

/**
 * Turns the cache on for this thread (a worker thread turns it on for itself). Must run before the analysis is
 * imported; afterwards it changes nothing. `false` turns it off.
 */
export function enableTypeScriptCodeCache(dir: string | false = defaultCodeCacheDir()): void {
  cacheDir = dir === false || process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : dir;
}

/** The folder in use, for handing to worker threads; undefined when the cache is off. */
export function typeScriptCodeCacheDir(): string | undefined {
  return cacheDir;
}

/** What the cache did for this thread's TypeScript (the tests read it). */
export function typeScriptCodeCacheState(): CodeCacheState {
  return state;
}

/** Loads TypeScript: from the code cache when it is on, else (and on any failure) with a plain `require`. */
export function loadTypeScript<T>(from: string): T {
  const require = createRequire(from);
  const filename = require.resolve('typescript');
  if (!cacheDir || require.cache[filename]) return require('typescript') as T;
  try {
    return loadCompiled<T>(filename, cacheDir);
  } catch {
    state = 'failed';
    return require('typescript') as T;
  }
}

function loadCompiled<T>(filename: string, dir: string): T {
  const wrapped = wrappedSource(filename);
  const stat = statSync(filename);
  const version = (JSON.parse(readFileSync(path.join(path.dirname(filename), '..', 'package.json'), 'utf8')) as { version?: string }).version;
  const key = createHash('sha256')
    .update([filename, version, stat.size, stat.mtimeMs, process.version, process.arch].join('\0'))
    .digest('hex')
    .slice(0, 24);
  const cacheFile = path.join(dir, `typescript-${key}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = ownedByThisUser(dir) && ownedByThisUser(cacheFile) ? readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined;
  }
  // The same wrapper Node's CommonJS loader puts around a module, so the compiler runs exactly as under `require`.
  const script = new Script(wrapped, { filename, ...(cachedData ? { cachedData } : {}) });
  const mod = new Module(filename);
  mod.filename = filename;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, file: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(filename), mod, filename, path.dirname(filename));
  mod.loaded = true;
  // Anything else in this process that requires TypeScript gets this same instance.
  createRequire(filename).cache[filename] = mod;
  if (cachedData && !script.cachedDataRejected) {
    state = 'used';
    markUsed(cacheFile);
  } else {
    state = cachedData ? 'rejected' : 'compiled';
    // Written when the process ends, so the cache also holds the functions the run compiled (the parser's).
    if (isMainThread) process.once('exit', () => writeCache(script, dir, cacheFile));
  }
  return mod.exports as T;
}

/**
 * The compiler's text inside the wrapper Node's CommonJS loader puts around a module, made as one flat string: read
 * into a buffer between the wrapper's two halves, then made a string once. `Module.wrap(text)` would give V8 a
 * string in three pieces, which it copies into one before compiling (~25 ms for 9 MB on a 2-core machine). The text is
 * plain ASCII, and a string of ASCII bytes read as Latin-1 skips the UTF-8 decoder's pass over them (62 against 98 ms
 * cold); any other text is decoded as UTF-8.
 */
function wrappedSource(filename: string): string {
  const [before, after] = Module.wrap('\0').split('\0').map((part) => Buffer.from(part, 'utf8'));
  const fd = openSync(filename, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = Buffer.allocUnsafe(before!.length + size + after!.length);
    before!.copy(bytes, 0);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, before!.length + read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    after!.copy(bytes, before!.length + read);
    const whole = bytes.subarray(0, before!.length + read + after!.length);
    return isAscii(whole) ? whole.toString('latin1') : whole.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Each install of TypeScript gets its own file; the most recently used ones are kept, the others removed. */
const KEEP_FILES = 8;

function markUsed(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Only the pruning order depends on it.
  }
}

function prune(dir: string): void {
  const files = readdirSync(dir)
    .filter((name) => /^typescript-[0-9a-f]+\.bin$/.test(name))
    .map((name) => ({ name, mtimeMs: statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of files.slice(KEEP_FILES)) rmSync(path.join(dir, old.name), { force: true });
}

function writeCache(script: Script, dir: string, file: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedByThisUser(dir)) return;
    // Written beside and renamed into place, so a process starting meanwhile reads a whole file or none.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, file);
    prune(dir);
  } catch {
    // A cache that cannot be written only means the next start compiles again.
  }
}

/**
 * Compiled code is code: it is only read from, and written to, a folder and a file that this user owns and nobody else
 * can write to, so another user of a shared temporary folder cannot plant it. (Windows keeps a temporary folder per
 * user and has no such modes.)
 */
function ownedByThisUser(file: string): boolean {
  if (typeof process.getuid !== 'function') return true;
  try {
    const stat = statSync(file);
    return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}
