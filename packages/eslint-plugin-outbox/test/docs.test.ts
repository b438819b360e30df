import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { messagesOf, RULES, type RuleName } from 'outbox-analysis';
import { describe, expect, it } from 'vitest';
import plugin, { rules } from '../src/index.js';
import { README_END, README_START, ruleTable } from '../scripts/rule-table.js';

const here = dirname(fileURLToPath(import.meta.url));
const docsDir = join(here, '..', 'docs', 'rules');

interface Example {
  /** `wrong` (❌: the rule must report it) or `right` (✅: it must not). */
  verdict: 'wrong' | 'right';
  /** The file the example stands for, named on the marker line: ❌ Wrong (`src/modules/x/router.ts`): */
  file: string | undefined;
  code: string;
  /** 1-based line of the marker in the page. */
  line: number;
}

/** Every ❌ / ✅ example of a rule page: the marker line, then the first fenced code block after it. */
function examplesOf(page: string): Example[] {
  const lines = page.split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^(❌|✅) \w+/.exec(lines[i]!);
    if (!marker) continue;
    const file = /\(`([^`]+)`\)/.exec(lines[i]!)?.[1];
    const open = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    const close = lines.findIndex((l, j) => j > open && l.startsWith('```'));
    out.push({ verdict: marker[1] === '❌' ? 'wrong' : 'right', file, code: lines.slice(open + 1, close).join('\n'), line: i + 1 });
    i = close;
  }
  return out;
}

function lint(rule: string, example: Example): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(
    example.code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser as unknown as Linter.Parser, sourceType: 'module' },
        plugins: { outbox: plugin as unknown as NonNullable<Linter.Config['plugins']>[string] },
        rules: { [`outbox/${rule}`]: 'error' },
      },
    ],
    example.file!,
  );
}

const pages = readdirSync(docsDir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => [f.slice(0, -3), readFileSync(join(docsDir, f), 'utf8')] as const);

describe('the rule pages', () => {
  it('are one per rule', () => {
    expect(pages.map(([name]) => name).sort()).toEqual(Object.keys(rules).sort());
  });

  describe.each(pages)('%s', (rule, page) => {
    const examples = examplesOf(page);

    it('has a ❌ and a ✅ example, each naming its file', () => {
      expect(examples.some((e) => e.verdict === 'wrong')).toBe(true);
      expect(examples.some((e) => e.verdict === 'right')).toBe(true);
      for (const e of examples) expect(e.file, `the marker on line ${e.line} names no file`).toMatch(/\.(ts|js)$/);
    });

    it.each(examples.map((e) => [`${e.verdict === 'wrong' ? '❌' : '✅'} on line ${e.line}`, e] as const))('%s parses and is judged as it says', (_, example) => {
      const messages = lint(rule, example);
      const fatal = messages.filter((m) => m.fatal);
      expect(fatal.map((m) => `${m.line}:${m.column} ${m.message}`)).toEqual([]);
      const reported = messages.filter((m) => m.ruleId === `outbox/${rule}`);
      if (example.verdict === 'wrong') expect(reported.length).toBeGreaterThan(0);
      else expect(reported.map((m) => m.message)).toEqual([]);
    });

    it("lists the rule's message ids, and only those", () => {
      // The first cell of each row of the message-id table: `a` or `a` / `b`.
      const listed = [...page.matchAll(/^\| (`\w+`(?: \/ `\w+`)*) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`(\w+)`/g)].map((id) => id[1]));
      expect(listed.sort()).toEqual(Object.keys(messagesOf(rule as RuleName)).sort());
    });

    it('opens with the description of the catalogue', () => {
      expect(page.split('\n')[0]).toBe(`# ${rule}`);
      expect(page.replace(/\s+/g, ' ')).toContain(RULES[rule as RuleName].description.replace(/\s+/g, ' '));
    });
  });
});

describe("the README's rule table", () => {
  it('is the one the catalogue generates (npm run docs -w eslint-plugin-outbox rewrites it)', () => {
    const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    expect(readme.slice(start, end + README_END.length)).toBe(ruleTable());
  });
});
