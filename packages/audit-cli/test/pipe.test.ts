import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `outbox-audit --help | head -1`: the reader takes one chunk and closes the pipe. The tools must end quietly with
 * their own exit code, not die of an unhandled EPIPE with a stack trace. Both command-line tools, as built (the
 * project's globalSetup builds dist/).
 */
const CLIS = {
  'outbox-audit': fileURLToPath(new URL('../dist/cli.js', import.meta.url)),
  'outbox-codemod': fileURLToPath(new URL('../../codemods/dist/cli.js', import.meta.url)),
};

function firstChunkThenClose(cli: string, args: string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let first = '';
    let stderr = '';
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString('utf8');
      child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, first, stderr }));
  });
}

describe('a reader that closes the pipe early', () => {
  for (const [name, cli] of Object.entries(CLIS)) {
    it(`${name} --help | head -1 ends quietly with exit code 0`, async () => {
      const run = await firstChunkThenClose(cli, ['--help']);
      expect(run.first).toContain(`Usage: ${name}`);
      expect(run.stderr).not.toMatch(/EPIPE|Unhandled/);
      expect(run.code).toBe(0);
    });
  }
});
