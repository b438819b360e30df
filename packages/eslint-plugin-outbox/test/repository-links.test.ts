import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every link of every README and docs page of the repository stays in it: a relative link resolves to a file or
 * folder of the checkout (so the docs read the same in a clone, a tarball or an editor), and none points out of it,
 * whether as a `../` past the root or as a web address.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The Markdown files git tracks (or would: new ones count too), the reference backends' fixtures aside. */
function pages(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], { cwd: root, encoding: 'utf8' });
  return out.split('\n').filter((f) => f && existsSync(join(root, f)));
}

/** Link targets of a page outside code: `[text](target)`, `[label]: target` and `href="target"`. */
function linksOf(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!),
    ...[...prose.matchAll(/\bhref="([^"]+)"/g)].map((m) => m[1]!),
  ];
}

describe('links in the READMEs and docs', () => {
  const files = pages();

  it('finds the pages', () => {
    expect(files).toContain('README.md');
    expect(files.some((f) => f.startsWith('packages/eslint-plugin-outbox/docs/rules/'))).toBe(true);
  });

  it('all resolve inside the repository', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const link of linksOf(readFileSync(join(root, file), 'utf8'))) {
        if (link.startsWith('#') || link.startsWith('mailto:')) continue;
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
          broken.push(`${file}: ${link} (leaves the repository)`);
          continue;
        }
        const target = resolve(root, dirname(file), decodeURIComponent(link.split('#')[0]!));
        const inside = relative(root, target);
        if (inside.startsWith('..')) broken.push(`${file}: ${link} (points outside the repository)`);
        else if (!existsSync(target)) broken.push(`${file}: ${link} (no such file)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
