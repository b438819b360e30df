import type { Check, ChecklistDetail } from '../check.js';

export const prLintWorkflowExists: Check = {
  id: 'pr-lint-workflow-exists',
  title: 'PR lint workflow exists',
  requires: 'A workflow under checklist.workflowsDir runs on pull requests and has a step that checks the architecture (ESLint, outbox-audit or a router DB-call check: checklist.lintCommands).',
  remediation: 'Add a pull-request workflow that runs ESLint with eslint-plugin-outbox and `outbox-audit --baseline` (`outbox-codemod add-pr-lint-workflow` writes one).',
  run({ workflows }) {
    const onPr = workflows.filter((w) => w.onPullRequest && w.checkSteps.length > 0);
    return {
      pass: onPr.length > 0,
      reason:
        onPr.length > 0
          ? `${onPr.map((w) => w.file).join(', ')} checks the architecture on pull requests`
          : workflows.length === 0
            ? 'no workflow found'
            : `none of ${workflows.length} workflow(s) runs ESLint, outbox-audit or a router DB-call check on pull requests`,
      details: workflows.flatMap((w): ChecklistDetail[] => {
        if (w.parseError) return [{ file: w.file, message: w.parseError }];
        if (w.checkSteps.length === 0) {
          return [{ file: w.file, message: `${w.name}: ${w.onPullRequest ? 'runs on pull requests' : 'does not run on pull requests'}, checks no architecture` }];
        }
        return w.checkSteps.map((s) => ({ file: w.file, line: s.line, message: `${w.name} / ${s.job} / ${s.name}${w.onPullRequest ? '' : ' (not on pull requests)'}` }));
      }),
    };
  },
};
