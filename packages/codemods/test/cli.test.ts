import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const fixture = fileURLToPath(new URL('./transforms/service-commit/__testfixtures__/router-commit/', import.meta.url));
const SERVICE = 'src/modules/orders/order.service.ts';
const ROUTER = 'src/modules/orders/router.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A git repository holding the fixture's input, committed (a clean tree). */
function project(from = 'input'): string {
  const root = mkdtempSync(path.join(tmpdir(), 'outbox-codemod-cli-'));
  roots.push(root);
  cpSync(path.join(fixture, from), root, { recursive: true });
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init');
  return root;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

function sink() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) }, text: () => text };
}

async function run(...argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await main(argv, out.stream, err.stream);
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('outbox-codemod CLI', () => {
  it('dry run: prints a diff that git apply accepts, a summary on stderr, exit 1', async () => {
    const root = project();
    const { code, stdout, stderr } = await run('service-commit', root);
    expect(code).toBe(1);
    expect(stderr).toContain('service-commit: 2 file(s) changed');
    expect(stdout).toContain(`--- a/${ROUTER}`);
    writeFileSync(path.join(root, '..', `${path.basename(root)}.diff`), stdout);
    const patch = path.join(root, '..', `${path.basename(root)}.diff`);
    roots.push(patch);
    git(root, 'apply', '--check', patch);
    git(root, 'apply', patch);
    // The patch gives exactly what --write gives.
    for (const file of [SERVICE, ROUTER]) expect(readFileSync(path.join(root, file), 'utf8')).toBe(readFileSync(path.join(fixture, 'output', file), 'utf8'));
    expect(readFileSync(path.join(root, SERVICE), 'utf8')).toBe(readFileSync(path.join(fixture, 'output', SERVICE), 'utf8'));
  });

  it('exit 0 and no diff when there is nothing to change', async () => {
    const root = project('output');
    const { code, stdout } = await run('service-commit', root);
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });

  it('--write applies the changes and leaves unchanged files alone (same bytes, same mtime)', async () => {
    const root = project();
    const untouched = path.join(root, 'src/modules/orders/untouched.ts');
    writeFileSync(untouched, 'export const x = 1;\n');
    git(root, 'add', '.');
    git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'more');
    const mtime = statSync(untouched).mtimeMs;
    const mode = statSync(path.join(root, SERVICE)).mode;
    const { code } = await run('service-commit', root, '--write');
    expect(code).toBe(0);
    expect(readFileSync(path.join(root, ROUTER), 'utf8')).toBe(readFileSync(path.join(fixture, 'output', ROUTER), 'utf8'));
    expect(statSync(untouched).mtimeMs).toBe(mtime);
    expect(statSync(path.join(root, SERVICE)).mode).toBe(mode);
    // A second run finds nothing.
    expect((await run('service-commit', root)).code).toBe(0);
  });

  it('--write refuses a dirty git tree (exit 2, nothing written) unless --force', async () => {
    const root = project();
    writeFileSync(path.join(root, 'notes.txt'), 'uncommitted\n');
    const before = readFileSync(path.join(root, ROUTER), 'utf8');
    const refused = await run('service-commit', root, '--write');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to write');
    expect(readFileSync(path.join(root, ROUTER), 'utf8')).toBe(before);
    const forced = await run('service-commit', root, '--write', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(root, ROUTER), 'utf8')).not.toBe(before);
  });

  it('a file that cannot be transformed safely is left untouched and reported (exit 2)', async () => {
    const root = project();
    const broken = 'src/modules/orders/broken.service.ts';
    const text = "import type { DbSession } from '../../db/session.js';\nexport class BrokenService {\n  constructor(private readonly db: DbSession) {}\n  async write(): Promise<void> {\n    await this.db.execute('DELETE FROM x');\n  }\n  if (\n}\n";
    writeFileSync(path.join(root, broken), text);
    const { code, stderr } = await run('service-commit', root, '--write', '--force');
    expect(code).toBe(2);
    expect(stderr).toContain(`${broken}:4`);
    expect(stderr).toContain('does not parse');
    expect(readFileSync(path.join(root, broken), 'utf8')).toBe(text);
  });

  it('shows control characters of file names in its report as escapes, never raw', async () => {
    const root = project();
    const named = 'src/modules/orders/\u001b[31mbroken.service.ts';
    writeFileSync(path.join(root, named), "export class BrokenService {\n  constructor(private readonly db: DbSession) {}\n  async write(): Promise<void> {\n    await this.db.execute('DELETE FROM x');\n  }\n  if (\n}\n");
    const { code, stderr } = await run('service-commit', root);
    expect(code).toBe(2);
    expect(stderr).toContain('src/modules/orders/\\u001b[31mbroken.service.ts');
    expect(stderr).not.toContain('\u001b');
  });

  it('explains usage errors without a stack (exit 2)', async () => {
    const root = project();
    const unknown = await run('no-such-transform', root);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown transform "no-such-transform"; choose one of: all, scaffold, service-commit/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(path.join(root, 'outbox.config.json'), '{ "routerFiles": 3 }');
    const badConfig = await run('service-commit', root);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('outbox.config.json');
    expect((await run('service-commit', path.join(root, 'missing'))).code).toBe(2);
  });

  it('--help teaches the exit codes and shows examples', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Exit codes:');
    expect(stdout).toContain('--idempotency <style>');
    expect(stdout).toContain('Examples:');
  });
});
