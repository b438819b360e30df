import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { CHECK_DOCS_BASE, CHECKLIST_PROFILES, CHECKS } from 'outbox-analysis/core';
import { describe, expect, it } from 'vitest';

const DOCS = new URL('../docs/checks/', import.meta.url);
const page = (id: string) => readFileSync(new URL(`${id}.md`, DOCS), 'utf8');

describe("the checks' doc pages", () => {
  it.each(Object.values(CHECKS).map((check) => [check.id, check] as const))('%s has a page that says what the check says', (id, check) => {
    expect(existsSync(new URL(`${id}.md`, DOCS))).toBe(true);
    const text = page(id);
    expect(text.split('\n')[0]).toBe(`# ${check.title}`);
    expect(text).toContain(check.requires);
    expect(text).toContain(check.remediation);
    const profiles = Object.entries(CHECKLIST_PROFILES).filter(([, ids]) => (ids as readonly string[]).includes(id)).map(([name]) => `\`${name}\``);
    expect(text).toContain(`Check \`${id}\` · profiles: ${profiles.join(', ')}`);
    // The URL every report links to is this page in the repository.
    expect(`${CHECK_DOCS_BASE}/${id}.md`).toMatch(/\/packages\/audit-cli\/docs\/checks\/[a-z-]+\.md$/);
  });

  it('has no page without a check, and an index that lists every check with its profiles', () => {
    const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.slice(0, -3));
    expect(pages.sort()).toEqual(Object.keys(CHECKS).sort());
    const index = readFileSync(new URL('README.md', DOCS), 'utf8');
    for (const check of Object.values(CHECKS)) {
      const row = index.split('\n').find((line) => line.startsWith(`| [\`${check.id}\`]`));
      expect(row).toBe(
        `| [\`${check.id}\`](${check.id}.md) | ${check.title} | ${CHECKLIST_PROFILES.default.includes(check.id as never) ? '✓' : ''} | ${CHECKLIST_PROFILES.seed.includes(check.id as never) ? '✓' : ''} |`,
      );
    }
  });
});
