import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyRuntime } from '../../scripts/runtime-copy.js';
import { main } from '../../src/cli.js';

/** Projects on disk for the CLI tests: each a committed git repository in a temporary folder, removed by `cleanup`. */

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const smallAppFixture = fileURLToPath(new URL('../__testfixtures__/small-app/', import.meta.url));
const legacyModuleFixture = fileURLToPath(new URL('../__testfixtures__/legacy-module/', import.meta.url));

const made: string[] = [];

export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

export function commitAll(root: string, message = 'snapshot'): void {
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', 'commit', '-qm', message);
}

function repository(root: string): string {
  git(root, 'init', '-q');
  commitAll(root, 'init');
  return root;
}

/**
 * The small app: a TypeScript project of its own (tsconfig, package.json) with a router doing CRUD on `request.db`,
 * typed by named route interfaces and an intersection, a service on a handle the outbox cannot take, and a file that
 * ends without a newline. Its node_modules is a link to the monorepo's (fastify's types).
 */
export function smallApp(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'outbox-codemod-small-'));
  made.push(root);
  cpSync(smallAppFixture, root, { recursive: true });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return repository(root);
}

/** A copy of the bundled runtime (as a repository of its own), optionally with the legacy module fixture added. */
export function runtimeCopy(options: { legacyModule?: boolean } = {}): string {
  const { base, root } = copyRuntime('outbox-codemod-runtime-');
  made.push(base);
  if (options.legacyModule) cpSync(legacyModuleFixture, root, { recursive: true });
  return repository(root);
}

/** Every file under a root (not .git, not links), relative path → bytes: two trees are equal when these are. */
export function treeOf(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.isSymbolicLink()) continue;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs, childRel);
      else if (lstatSync(abs).isFile()) out.set(childRel, readFileSync(abs));
    }
  };
  walk(root, '');
  return out;
}

/** The files in which two trees differ (missing on one side, or other bytes). */
export function treeDifferences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((name) => !a.get(name) || !b.get(name) || !a.get(name)!.equals(b.get(name)!)).sort();
}

function sink() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) }, text: () => text };
}

/** The CLI in-process: exit code, stdout, stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await main(argv, out.stream, err.stream);
  return { code, stdout: out.text(), stderr: err.text() };
}
