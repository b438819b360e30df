import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, DEFAULT_CHECKLIST_SETTINGS } from '../../src/index.js';

const lint = DEFAULT_CHECKLIST_SETTINGS.lintCommands;

// The sample the seed proposes: a grep that can fail, then a step that always exits 0.
const SEED_SAMPLE = `name: PR Architecture Lint

on:
  pull_request:
    branches: [ main, develop ]

jobs:
  lint-architecture:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4

      - name: Check for db.execute in routers
        run: |
          if grep -r "db\\.execute\\|db\\.commit" backend/modules/**/router*.py; then
            echo "ERROR"
            exit 1
          fi

      - name: Block PR if violations found
        run: exit 0
`;

const BLOCKING = `name: PR lint
on: [pull_request, push]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - name: ESLint
        run: npx eslint .
      - name: Audit
        run: npx outbox-audit . --baseline .outbox-baseline.json --format github
`;

describe('analyzeWorkflow', () => {
  it("finds the seed sample's check step and its trailing exit 0", () => {
    const facts = analyzeWorkflow('.github/workflows/pr-lint.yml', SEED_SAMPLE, lint);
    expect(facts.onPullRequest).toBe(true);
    expect(facts.checkSteps.map((s) => s.name)).toEqual(['Check for db.execute in routers']);
    expect(facts.masks).toEqual([expect.objectContaining({ step: 'Block PR if violations found', what: "a trailing `exit 0`", line: 21 })]);
  });

  it('accepts a workflow that runs ESLint and the audit with nothing masking them', () => {
    const facts = analyzeWorkflow('w.yml', BLOCKING, lint);
    expect(facts.onPullRequest).toBe(true);
    expect(facts.checkSteps.map((s) => s.name)).toEqual(['ESLint', 'Audit']);
    expect(facts.masks).toEqual([]);
  });

  it.each([
    ['continue-on-error on a step', BLOCKING.replace('        run: npx eslint .', '        run: npx eslint .\n        continue-on-error: true'), 'continue-on-error on the step'],
    ['continue-on-error on the job', BLOCKING.replace('    runs-on: ubuntu-latest', '    runs-on: ubuntu-latest\n    continue-on-error: true'), 'continue-on-error on the job'],
    ['|| true', BLOCKING.replace('npx eslint .', 'npx eslint . || true'), '`|| true` swallows the exit code'],
    ['set +e', BLOCKING.replace('run: npx eslint .', 'run: |\n          set +e\n          npx eslint .'), '`set +e` ignores failures'],
  ])('sees %s as masking a failure', (_name, yaml, what) => {
    const facts = analyzeWorkflow('w.yml', yaml, lint);
    expect(facts.masks.map((m) => m.what)).toContain(what);
  });

  it('does not take `exit 0` in the middle of a script for a trailing one', () => {
    const yaml = BLOCKING.replace('run: npx eslint .', 'run: |\n          if [ -z "$X" ]; then exit 0; fi\n          npx eslint .');
    expect(analyzeWorkflow('w.yml', yaml, lint).masks).toEqual([]);
  });

  it('marks an audit step run with --report-only as unable to fail', () => {
    const facts = analyzeWorkflow('w.yml', BLOCKING.replace('--format github', '--report-only'), lint);
    expect(facts.checkSteps[1]!.reportOnly).toMatch(/report-only/);
  });

  it('knows a push-only workflow does not run on pull requests', () => {
    expect(analyzeWorkflow('w.yml', BLOCKING.replace('on: [pull_request, push]', 'on: push'), lint).onPullRequest).toBe(false);
    expect(analyzeWorkflow('w.yml', BLOCKING.replace('on: [pull_request, push]', 'on:\n  pull_request_target: {}'), lint).onPullRequest).toBe(true);
  });

  it('turns invalid YAML into a parse error instead of throwing', () => {
    const facts = analyzeWorkflow('w.yml', 'on: [pull_request\njobs: {', lint);
    expect(facts.parseError).toMatch(/YAML error: .*\(line \d+\)/);
    expect(facts.checkSteps).toEqual([]);
  });
});
