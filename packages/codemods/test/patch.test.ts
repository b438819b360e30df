import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cli, git, runtimeCopy, smallApp, treeDifferences, treeOf } from './support/projects.js';

afterEach(cleanup);

/**
 * The dry run of `all` is the patch: one unified diff from the tree as it is to the tree `--write` leaves, files the
 * run creates as new files (even when a later transform edits them). Applied with `git apply` to a fresh copy, it
 * gives that copy exactly the bytes `--write` writes.
 */
describe('outbox-codemod all: the dry run is the patch', () => {
  const cases: [string, () => string][] = [
    ['the small app (named route types, a file without a final newline, a dropped operation)', smallApp],
    ['the bundled runtime', () => runtimeCopy()],
  ];
  for (const [name, make] of cases) {
    it(name, { timeout: 600_000 }, async () => {
      const dry = make();
      const fresh = make();
      const planned = await cli('all', dry);
      expect([1, 2]).toContain(planned.code);
      // A file extract-router-db creates (and later transforms edit) is created by the patch.
      expect(planned.stdout).toMatch(/^new file mode 100644\n--- \/dev\/null\n\+\+\+ b\/src\/modules\/[a-z_]+\/[a-z-]+\.service\.ts$/m);
      const patch = path.join(fresh, '..', `${path.basename(fresh)}.diff`);
      writeFileSync(patch, planned.stdout);
      git(fresh, 'apply', '--check', patch);
      git(fresh, 'apply', patch);

      const written = await cli('all', dry, '--write');
      expect(written.code).toBe(planned.code === 1 ? 0 : 2);
      expect(treeDifferences(treeOf(dry), treeOf(fresh))).toEqual([]);
      // And the patch was not empty: the written tree differs from the commit it started from.
      expect(git(dry, 'status', '--porcelain').trim()).not.toBe('');
    });
  }
});
