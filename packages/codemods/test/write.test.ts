import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL, WriteRefusedError, writeChanges } from '../src/engine/write.js';
import { planMigration } from '../src/migrate.js';
import { cleanup, cli, commitAll, git, repoRoot, runtimeCopy, smallApp, treeDifferences, treeOf } from './support/projects.js';

const ROUTER = 'src/modules/catalog/router.ts';
const outside: string[] = [];
afterEach(() => {
  cleanup();
  for (const dir of outside.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function outsideFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'outbox-codemod-outside-'));
  outside.push(dir);
  return dir;
}

describe('outbox-codemod --write: safe writes', () => {
  it('refuses a read-only file with a message, and writes nothing at all', async () => {
    const root = smallApp();
    chmodSync(path.join(root, ROUTER), 0o444);
    const before = treeOf(root);
    const { code, stderr } = await cli('all', root, '--write', '--no-type-check');
    expect(code).toBe(2);
    expect(stderr).toContain(`${ROUTER}: is read-only; make it writable`);
    expect(treeDifferences(before, treeOf(root))).toEqual([]);
    chmodSync(path.join(root, ROUTER), 0o644);
  });

  it('never writes through a link: a target that is a link is refused, the file it points to stays', () => {
    const root = smallApp();
    const victim = path.join(outsideFolder(), 'victim.ts');
    writeFileSync(victim, 'export const untouched = true;\n');
    rmSync(path.join(root, ROUTER));
    symlinkSync(victim, path.join(root, ROUTER));
    expect(() => writeChanges(root, [{ path: ROUTER, before: 'export const untouched = true;\n', after: 'overwritten\n' }])).toThrow(WriteRefusedError);
    expect(readFileSync(victim, 'utf8')).toBe('export const untouched = true;\n');
    expect(existsSync(path.join(root, JOURNAL))).toBe(false);
  });

  it('a file changed on disk after the run read it is refused, though the run keeps only its digest', async () => {
    const root = smallApp();
    const original = readFileSync(path.join(root, ROUTER), 'utf8');
    const result = await planMigration({ root, transform: 'all', typeCheck: false });
    const change = result.changes.find((c) => c.path === ROUTER)!;
    expect(change.beforeSha256).toMatch(/^[0-9a-f]{64}$/);
    // What the diff shows is read again from disk, and is what the run read.
    expect(change.before).toBe(original);
    writeFileSync(path.join(root, ROUTER), `${original}// edited meanwhile\n`);
    expect(() => change.before).toThrow(`${ROUTER} changed on disk since the run read it; run again`);
    let refused: unknown;
    try {
      writeChanges(root, result.changes);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(WriteRefusedError);
    expect((refused as WriteRefusedError).problems).toContainEqual({ file: ROUTER, reason: 'changed on disk since the run read it; run again' });
    expect(readFileSync(path.join(root, ROUTER), 'utf8')).toBe(`${original}// edited meanwhile\n`);
    expect(existsSync(path.join(root, JOURNAL))).toBe(false);
  });

  it('temporary files cannot be planted: links at the old predictable names do not redirect a write', async () => {
    const root = smallApp();
    const victim = path.join(outsideFolder(), 'victim.txt');
    writeFileSync(victim, 'secret\n');
    // Every name the writer of earlier versions would have used for the router, for a range of process ids.
    for (let pid = process.pid - 5; pid <= process.pid + 5; pid++) {
      symlinkSync(victim, path.join(root, 'src/modules/catalog', `.router.ts.outbox-codemod-${pid}.tmp`));
    }
    commitAll(root);
    const { code } = await cli('all', root, '--write', '--no-type-check');
    expect(code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('secret\n');
    expect(readFileSync(path.join(root, ROUTER), 'utf8')).toContain('new CatalogService(request.db)');
  });

  it('reports a linked folder as not read, and leaves what it points to as it was', async () => {
    const root = smallApp();
    const elsewhere = outsideFolder();
    renameSync(path.join(root, 'src/modules/reports'), path.join(elsewhere, 'reports'));
    symlinkSync(path.join(elsewhere, 'reports'), path.join(root, 'src/modules/reports'), 'dir');
    commitAll(root);
    const before = readFileSync(path.join(elsewhere, 'reports/report.service.ts'), 'utf8');
    const { code, stderr } = await cli('all', root, '--write', '--no-type-check');
    expect(code).toBe(2);
    expect(stderr).toMatch(/Not read \(links are not followed\):\n {2}src\/modules\/reports {2}a symbolic link/);
    expect(readFileSync(path.join(elsewhere, 'reports/report.service.ts'), 'utf8')).toBe(before);
  });
});

describe('outbox-codemod --write: the dirty-tree check fails closed', () => {
  /** Runs the CLI with PATH holding only `bin` (a fake git, or none). */
  async function withPath(bin: string, ...argv: string[]) {
    const saved = process.env.PATH;
    process.env.PATH = bin;
    try {
      return await cli(...argv);
    } finally {
      process.env.PATH = saved;
    }
  }

  it('when git reports dubious ownership: refused, unless --force', async () => {
    const root = smallApp();
    const bin = outsideFolder();
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "fatal: detected dubious ownership in repository at '$PWD'" >&2\nexit 128\n`, { mode: 0o755 });
    const refused = await withPath(bin, 'all', root, '--write', '--no-type-check');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('cannot tell whether');
    expect(refused.stderr).toContain('detected dubious ownership');
    expect(git(root, 'status', '--porcelain')).toBe('');
    const forced = await withPath(bin, 'all', root, '--write', '--force', '--no-type-check');
    expect(forced.stderr).toContain('wrote ');
    expect(git(root, 'status', '--porcelain')).not.toBe('');
  });

  it('when git is not installed: refused inside a repository, allowed in a folder that is none', async () => {
    const root = smallApp();
    const empty = outsideFolder();
    const refused = await withPath(empty, 'all', root, '--write', '--no-type-check');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('git is not installed');
    rmSync(path.join(root, '.git'), { recursive: true, force: true });
    const allowed = await withPath(empty, 'all', root, '--write', '--no-type-check');
    expect(allowed.stderr).toContain('wrote ');
  });
});

/**
 * `--write` killed (SIGKILL) in the middle, then run again, ends in the tree one uninterrupted run leaves. The writer
 * stops at a chosen point through its test hook (OUTBOX_CODEMOD_TEST_PAUSE_AT): while staging (nothing renamed yet)
 * or while renaming (part of the tree new, part old: the half-migrated tree issue 16 found). The points are drawn at
 * random on each run of the suite and named in the test's failure message.
 */
describe('outbox-codemod --write: interrupted by SIGKILL, then run again', () => {
  const FILES = 26; // files `all` writes on the runtime (asserted below)
  const draw = (n: number) => 1 + Math.floor(Math.random() * n);
  const points = [`stage:${draw(FILES)}`, `rename:${draw(FILES - 1)}`, `rename:${draw(FILES - 1)}`];

  it(`ends in the tree of an uninterrupted run (kill points: ${points.join(', ')})`, { timeout: 900_000 }, async () => {
    const reference = runtimeCopy();
    const whole = await cli('all', reference, '--write', '--no-type-check');
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stderr).toContain(`wrote ${FILES} file(s)`);
    const expected = treeOf(reference);

    for (const point of points) {
      const root = runtimeCopy();
      const paused = await killWhenPaused(root, point);
      expect(paused, `the writer reached ${point}`).toContain(`paused at ${point.replace(':', ' ')}`);
      expect(existsSync(path.join(root, JOURNAL)), `a journal after a kill at ${point}`).toBe(true);
      // A dry run does not read the half-written tree.
      const dry = await cli('all', root, '--no-type-check');
      expect(dry.code).toBe(2);
      expect(dry.stderr).toContain('an interrupted --write left');
      const rerun = await cli('all', root, '--write', '--no-type-check');
      expect(rerun.code, `rerun after a kill at ${point}: ${rerun.stderr}`).toBe(0);
      expect(treeDifferences(treeOf(root), expected), `tree after a kill at ${point} and a rerun`).toEqual([]);
      expect(existsSync(path.join(root, JOURNAL))).toBe(false);
    }
  });
});

/** Starts `outbox-codemod all <root> --write` in a child process, SIGKILLs it where the hook pauses it; its stderr. */
function killWhenPaused(root: string, point: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(repoRoot, 'packages/codemods/src/cli.ts'), 'all', root, '--write', '--no-type-check'], {
      cwd: repoRoot,
      env: { ...process.env, OUTBOX_CODEMOD_TEST_PAUSE_AT: point },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('paused at')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolve(stderr));
  });
}

