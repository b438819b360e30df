import type { Check, ChecklistDetail } from '../check.js';

export const prLintBlocksViolations: Check = {
  id: 'pr-lint-blocks-violations',
  title: 'PR lint blocks architecture violations',
  requires: 'A pull-request workflow has an architecture check that can fail the run: no `|| true`, trailing `exit 0`, `set +e`, `continue-on-error` or `--report-only` masks it.',
  remediation: 'Remove what masks the check’s exit code and make the job a required status check of the branch.',
  run({ workflows }) {
    const onPr = workflows.filter((w) => w.onPullRequest && w.checkSteps.length > 0);
    const blocking = onPr.filter((w) => w.masks.length === 0 && w.checkSteps.some((s) => !s.reportOnly));
    const details: ChecklistDetail[] = [];
    for (const w of onPr) {
      for (const m of w.masks) details.push({ file: w.file, line: m.line, message: `${m.step ? `${m.job} / ${m.step}` : m.job}: ${m.what}` });
      for (const s of w.checkSteps.filter((s) => s.reportOnly)) details.push({ file: w.file, line: s.line, message: `${s.job} / ${s.name}: ${s.reportOnly}` });
    }
    return {
      pass: blocking.length > 0,
      reason:
        blocking.length > 0
          ? `${blocking.map((w) => w.file).join(', ')} fails the pull request on a violation`
          : onPr.length === 0
            ? 'no PR lint workflow'
            : 'every PR lint workflow lets a failing check pass',
      details,
    };
  },
};
