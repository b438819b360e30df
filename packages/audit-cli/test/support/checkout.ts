import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The root of this monorepo. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const WORKFLOW_FILE = '.github/workflows/pr-lint.yml';

export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}

export interface Workflow {
  name: string;
  on: Record<string, { branches?: string[] } | null>;
  jobs: Record<string, { strategy?: { matrix?: Record<string, unknown[]> }; permissions?: Record<string, string>; steps: WorkflowStep[] }>;
}

export function readWorkflow(root = REPO_ROOT): { text: string; workflow: Workflow } {
  const text = readFileSync(path.join(root, WORKFLOW_FILE), 'utf8');
  return { text, workflow: parse(text) as Workflow };
}

/**
 * A throwaway checkout of this repository for running the PR check's commands: the root files the check reads, a
 * real copy of the reference runtime (so it can be made worse), and links to the toolkit's packages and the installed
 * node_modules (built, as after the workflow's `npm ci` and build steps).
 */
export function makeCheckout(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'outbox-pr-check-'));
  for (const file of ['package.json', 'eslint.config.js', 'outbox.config.json', 'eslint-suppressions.json', '.outbox-baseline.json', WORKFLOW_FILE]) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    cpSync(path.join(REPO_ROOT, file), path.join(root, file));
  }
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  mkdirSync(path.join(root, 'packages'));
  for (const pkg of ['analysis', 'eslint-plugin-outbox', 'audit-cli', 'codemods']) {
    symlinkSync(path.join(REPO_ROOT, 'packages', pkg), path.join(root, 'packages', pkg), 'dir');
  }
  const runtime = path.join(REPO_ROOT, 'packages/reference-runtime');
  cpSync(runtime, path.join(root, 'packages/reference-runtime'), {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|\.pglite|dist|coverage)$/.test(source),
  });
  return root;
}

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a step's `run:` script as GitHub's runner does on Linux: `bash --noprofile --norc -eo pipefail`. */
export function runStep(script: string, cwd: string, env: Record<string, string> = {}): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
      {
        cwd,
        env: {
          ...process.env,
          PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
          CI: 'true',
          GITHUB_ACTIONS: 'true',
          GITHUB_WORKSPACE: cwd,
          NO_COLOR: '1',
          ...env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Edits one file of a checkout; throws when the text to replace is not there (the runtime changed under the test). */
export function editFile(root: string, relative: string, edit: (text: string) => string): void {
  const file = path.join(root, relative);
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`${relative}: the edit changed nothing`);
  writeFileSync(file, after);
}
