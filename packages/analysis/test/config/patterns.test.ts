import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileCommandPattern, compileGlobs, DEFAULT_SETTINGS, PatternError } from '../../src/index.js';
import { DEFAULT_CHECKLIST_SETTINGS } from '../../src/checklist/settings.js';

const PATHS = [
  'router.ts',
  'src/router.ts',
  'src/modules/partners/router.ts',
  'src/modules/partners/router.admin.ts',
  'src/modules/partners/partner.router.mjs',
  'src/routes/a/b/c.cts',
  'src/routes.ts',
  'src/api/orders.routes.ts',
  'src/orders.controller.ts',
  'src/controllers/x/y.js',
  'src/controllers/x/y.jsx',
  'a.service.ts',
  'src/modules/x/x.service.ts',
  'src/services/deep/er/thing.ts',
  'src/x-service.ts',
  'src/service.ts',
  'src/servicex.ts',
  'dist/router.ts',
  'packages/a/dist/x.service.ts',
  'node_modules/x/router.ts',
  'src/a.d.ts',
  'src/a.d.mts',
  'src/a.test.ts',
  'src/__tests__/a.ts',
  'test/a.ts',
  'tests/deep/a.spec.tsx',
  '.hidden/router.ts',
  'src/.dot.service.ts',
  'coverage/x.ts',
  'build',
  'build/a',
  'src/[id]/router.ts',
  'src/(group)/router.ts',
  'src/é/router.ts',
  'packages/eslint-plugin-outbox/src/x.ts',
  'packages/analysis/test/a.ts',
  'bench/x.ts',
  'src/api/v1/orders.ts',
  'src/domain/orders.ts',
];

const GLOBS = [
  ...DEFAULT_SETTINGS.routerFiles,
  ...DEFAULT_SETTINGS.serviceFiles,
  ...DEFAULT_SETTINGS.testFiles,
  ...DEFAULT_SETTINGS.ignore,
  ...DEFAULT_CHECKLIST_SETTINGS.testFiles,
  'src/api/**/*.ts',
  'src/**',
  '**',
  '*',
  '*.ts',
  'src/*',
  'src/*/*.ts',
  'src/modules/*/router.ts',
  'src/?outes.ts',
  'src/[rs]outes.ts',
  '{src,packages/*}/**/*.ts',
  'src/{api,domain}/**',
  'src/{api/v1,domain}/*.ts',
  '**/{a,b{c,d}}.ts',
  'packages/*/test/**',
  '**/__outbox_probe__',
  'src/\\[id\\]/router.ts',
  '**/*.{test,spec}.*',
];

describe('globs: linear-time matcher', () => {
  it.each(GLOBS)('agrees with picomatch (dot: true) on %s', (glob) => {
    const ours = compileGlobs([glob]);
    const theirs = picomatch(glob, { dot: true });
    for (const p of PATHS) expect([p, ours(p)]).toEqual([p, theirs(p)]);
  });

  it('negates a class with ! or ^, as the shell does', () => {
    expect(compileGlobs(['src/[!r]*.ts'])('src/router.ts')).toBe(false);
    expect(compileGlobs(['src/[^r]*.ts'])('src/router.ts')).toBe(false);
    expect(compileGlobs(['src/[!r]*.ts'])('src/service.ts')).toBe(true);
    expect(compileGlobs(['src[!x]a.ts'])('src/a.ts')).toBe(false);
  });

  it('matches a list when any glob matches, and nothing with an empty list', () => {
    const match = compileGlobs(['src/**/*.ts', 'lib/*.js']);
    expect(match('src/a/b.ts')).toBe(true);
    expect(match('lib/a.js')).toBe(true);
    expect(match('lib/a/b.js')).toBe(false);
    expect(compileGlobs([])('anything')).toBe(false);
  });

  it('finishes on globs that make a backtracking engine run for minutes', () => {
    // picomatch turns these into regular expressions that backtrack exponentially (measured: over a minute each).
    const hostile = [
      ['**/a/**/a/**/a/**/a/**/a/**/a/**/b', `${'a/'.repeat(2000)}c.ts`],
      ['*a*a*a*a*a*a*a*a*a*a*a*a*b', `${'a'.repeat(5000)}.ts`],
      [`${'{a,aa}'.repeat(60)}b`, 'a'.repeat(3000)],
      [`**/${'*a'.repeat(200)}/**`, `x/${'a'.repeat(4000)}b/y.ts`],
    ] as const;
    for (const [glob, path] of hostile) expect(compileGlobs([glob])(path)).toBe(false);
  });

  it.each([
    ['', /must not be empty/],
    ['!src/**', /negation.*"ignore"/],
    ['src/@(a|b).ts', /extglob "@\(" is not supported/],
    ['src/+(a).ts', /extglob/],
    ['src/[[:alpha:]].ts', /POSIX character classes/],
    ['src/{1..3}.ts', /numeric ranges/],
    ['x'.repeat(1001), /too long/],
    ['src/[z-a].ts', /range out of order/],
  ])('refuses %j with a message', (glob, message) => {
    expect(() => compileGlobs([glob])).toThrow(PatternError);
    expect(() => compileGlobs([glob])).toThrow(message);
  });

  it('keeps working when it has met more state sets than it remembers', () => {
    const match = compileGlobs(['**/*a*b*c*d*e*f*g*h*.ts']);
    const reference = picomatch('**/*a*b*c*d*e*f*g*h*.ts', { dot: true });
    for (let i = 0; i < 3000; i++) {
      const name = Array.from({ length: 12 }, (_, j) => 'abcdefghxyz/'[(i * 7 + j * 13) % 12]).join('');
      expect(match(`${name}.ts`)).toBe(reference(`${name}.ts`));
    }
    expect(match('x/abcdefgh.ts')).toBe(true);
  });
});

const PATTERNS = [
  ...DEFAULT_CHECKLIST_SETTINGS.lintCommands,
  'a|b',
  '^npm run lint$',
  '(?:x|y)+z',
  '(?<tool>eslint|tslint)\\s+\\.',
  'a{2,3}',
  'a{2,}b',
  'a{2}',
  '[^a-c]x',
  '[\\d-]+',
  '[a-]',
  '\\bword\\B',
  '.+',
  '^$',
  'x*?y',
  '\\x41\\u0042',
  'a{b',
  '[\\w.]+@',
  '\\/usr\\/bin',
  '(a|)+b',
  '[]',
  '[^]',
];

const TEXTS = [
  '',
  'npx eslint .',
  'npx eslint-plugin',
  'npm run lint',
  'npm run lint\n',
  'npx outbox-audit . --baseline x',
  'grep -n "db\\.commit" src',
  'grep db.execute',
  'aab',
  'aaaab',
  'xyxyz',
  'tslint  .',
  'word',
  'words',
  'AB',
  'a{b',
  'x_y.z@host',
  '/usr/bin/env',
  'b',
  'dx',
  'ax',
  '\u2028',
  '--',
];

describe('lintCommands: regular expressions run by a linear-time engine', () => {
  it.each(PATTERNS)('agrees with RegExp on %s', (source) => {
    const ours = compileCommandPattern(source);
    const theirs = new RegExp(source);
    for (const text of TEXTS) expect([text, ours.test(text)]).toEqual([text, theirs.test(text)]);
  });

  it('finishes on patterns that make a backtracking engine run for minutes', () => {
    const text = `${'a'.repeat(30_000)}!`;
    expect(compileCommandPattern('(a+)+$').test(text)).toBe(false);
    expect(compileCommandPattern('(a|aa)*b').test(text)).toBe(false);
    expect(compileCommandPattern('^(\\w+\\s?)*$').test(text)).toBe(false);
    expect(compileCommandPattern('(.*a){20}x').test(text)).toBe(false);
  });

  it.each([
    ['(a)\\1', /back-references are not supported/],
    ['(?<n>a)\\k<n>', /named back-references/],
    ['a(?=b)', /look-ahead is not supported/],
    ['(?<!a)b', /look-behind is not supported/],
    ['\\p{L}', /unsupported escape \\p/],
    ['(unclosed', /unterminated group/],
    ['a)', /unmatched "\)"/],
    ['*a', /nothing to repeat/],
    ['a**', /nothing to repeat/],
    ['a{2,1}', /out of order/],
    ['a{1000}', /repetition counts above 100/],
    ['((((a{100}){100}){100}){100})', /too complex|repetition/],
    ['[b-a]', /range out of order/],
  ])('refuses %j with a message', (source, message) => {
    expect(() => compileCommandPattern(source)).toThrow(PatternError);
    expect(() => compileCommandPattern(source)).toThrow(message);
  });
});
