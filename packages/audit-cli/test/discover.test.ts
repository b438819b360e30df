import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../src/discover.js';

describe('discoverFiles', () => {
  it('follows a link to a folder once, reaches the same folder by a plain path once, and finds a deep loop', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'outbox-discover-'));
    mkdirSync(path.join(root, 'src/shared/deep/er'), { recursive: true });
    mkdirSync(path.join(root, 'src/app'), { recursive: true });
    writeFileSync(path.join(root, 'src/shared/deep/er/a.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(root, 'src/app/main.ts'), 'export const main = 1;\n');
    // A link to a folder outside the walk's order: listed through whichever path the walk reaches first.
    symlinkSync(path.join(root, 'src/shared'), path.join(root, 'src/app/linked'));
    // A loop two levels down: the link leads back to an ancestor already visited.
    symlinkSync('../..', path.join(root, 'src/shared/deep/er/up'));
    const { files, diagnostics } = await discoverFiles(root, []);
    // Which of the two paths comes first depends on the order the file system lists `src` in.
    const viaLink = files.some((f) => f.relative.startsWith('src/app/linked/'));
    const shared = viaLink ? 'src/app/linked' : 'src/shared';
    expect(files.map((f) => f.relative).sort()).toEqual([`${shared}/deep/er/a.ts`, 'src/app/main.ts'].sort());
    expect(diagnostics.map((d) => [d.file, d.message]).sort()).toEqual(
      [
        [`${shared}/deep/er/up`, 'symbolic link loop: folder already visited, not entered again'],
        [viaLink ? 'src/shared' : 'src/app/linked', 'symbolic link loop: folder already visited, not entered again'],
      ].sort(),
    );
  });

  it('resolves a root given through a link, and lists what is under it by its own names', async () => {
    const real = mkdtempSync(path.join(tmpdir(), 'outbox-discover-'));
    mkdirSync(path.join(real, 'tree/src'), { recursive: true });
    writeFileSync(path.join(real, 'tree/src/x.ts'), 'export const x = 1;\n');
    symlinkSync(path.join(real, 'tree'), path.join(real, 'via-link'));
    const { files, diagnostics } = await discoverFiles(path.join(real, 'via-link'), []);
    expect(files.map((f) => [f.relative, f.absolute])).toEqual([['src/x.ts', path.join(real, 'via-link/src/x.ts')]]);
    expect(diagnostics).toEqual([]);
  });
});
