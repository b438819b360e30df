import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The audit project's globalSetup (vitest.config.ts): `npm run build` once, before any test file of the project.
 *
 * Tests import the workspace packages from their sources. Three kinds of test run the build instead, because the
 * build is their subject: pack.test.ts installs the packed tarballs, workflow.test.ts runs the PR check's commands as
 * the workflow does (after its build step), and audit.test.ts runs the shipped CLI to see its worker threads. Building
 * here, once, keeps those files from running `tsc -b` on the same outputs at the same time. tsc -b is incremental:
 * when dist/ is current this takes a few seconds.
 */
export default async function buildToolkit(): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await new Promise<void>((resolve, reject) => {
    execFile(npm, ['run', 'build', '--silent'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`npm run build failed before the audit tests (they run dist/ in places):\n${stdout}${stderr}`));
      else resolve();
    });
  });
}
