import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileChange } from './workspace.js';

/**
 * Writes each changed file atomically: the new text goes to a temporary file beside it, which then replaces the
 * original by rename (keeping its mode), so a crash never leaves a half-written source file. Unchanged files are
 * never touched.
 */
export function writeChanges(root: string, changes: readonly FileChange[]): void {
  for (const change of changes) {
    const target = path.join(root, change.path);
    mkdirSync(path.dirname(target), { recursive: true });
    let mode: number | undefined;
    try {
      mode = statSync(target).mode & 0o7777;
    } catch {
      mode = undefined;
    }
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.outbox-codemod-${process.pid}.tmp`);
    writeFileSync(temp, change.after, 'utf8');
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, target);
  }
}

/**
 * Files with uncommitted changes under `root` (`git status --porcelain`), or undefined when `root` is not in a git
 * work tree (nothing to protect then beyond the files themselves).
 */
export function dirtyFiles(root: string): string[] | undefined {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--', '.'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter((line) => line.trim() !== '');
  } catch {
    return undefined;
  }
}
