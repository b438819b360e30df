import type { Transform, Workspace } from '../../engine/types.js';

/** Where the workflow goes, relative to the target's root (the root the audit reads). */
export const WORKFLOW_FILE = '.github/workflows/pr-lint.yml';
/** The audit's baseline, when the target keeps one: only new or worse findings fail. */
export const BASELINE_FILE = '.outbox-baseline.json';

/**
 * The PR check of a migrated backend: ESLint with eslint-plugin-outbox and the outbox-audit gate on every pull request
 * (and push to main), SARIF to code scanning, the audit's job summary. Nothing in it masks a failure: no
 * continue-on-error, no `|| true`, no trailing `exit 0`; the upload runs with `if: always()` after a failed gate, and
 * the failed gate still fails the job. The upload is skipped for pull requests from forks (a read-only token: it
 * could only fail), as in this repository's own workflow.
 */
export function prLintWorkflow(options: { baseline: boolean }): string {
  const audit = `npx outbox-audit .${options.baseline ? ` --baseline ${BASELINE_FILE}` : ''} --format github --sarif outbox.sarif`;
  return [
    '# Added by outbox-codemod add-pr-lint-workflow: the outbox architecture may not regress.',
    '# ESLint (eslint-plugin-outbox) reports in the diff; outbox-audit fails the job on a router DB call or an operation',
    options.baseline
      ? `# without outbox, idempotency, event or service commit that ${BASELINE_FILE} does not already know.`
      : '# without outbox, idempotency, event or service commit (no baseline: every violation fails).',
    'name: PR lint',
    '',
    'on:',
    '  pull_request:',
    '  push:',
    '    branches: [main]',
    '',
    'permissions:',
    '  contents: read',
    '',
    'concurrency:',
    '  group: pr-lint-${{ github.ref }}',
    "  cancel-in-progress: ${{ github.event_name == 'pull_request' }}",
    '',
    'jobs:',
    '  outbox:',
    '    name: Outbox architecture',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 15',
    '    permissions:',
    '      contents: read',
    '      security-events: write',
    '      actions: read',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    '          cache: npm',
    '',
    '      - name: Install',
    '        run: npm ci',
    '',
    '      - name: ESLint with eslint-plugin-outbox',
    '        run: npx eslint .',
    '',
    '      # Runs after a failed ESLint too, so the annotations, the job summary and the SARIF show the whole picture.',
    '      - name: outbox-audit gate',
    "        if: ${{ !cancelled() }}",
    `        run: ${audit}`,
    '',
    '      # always(): the findings reach code scanning even when the gate failed; the gate step still fails the job.',
    '      # Not for pull requests from forks: their token cannot write security events, so the upload would only fail.',
    '      - name: Upload SARIF to code scanning',
    '        if: >-',
    "          ${{ always() && hashFiles('outbox.sarif') != ''",
    "          && (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository) }}",
    '        uses: github/codeql-action/upload-sarif@v3',
    '        with:',
    '          sarif_file: outbox.sarif',
    '          category: outbox-audit',
    '',
  ].join('\n');
}

/**
 * add-pr-lint-workflow: writes `.github/workflows/pr-lint.yml` into the target. An identical file is left alone; a
 * different one is the project's own decision and is reported, never overwritten.
 */
export const addPrLintWorkflow: Transform = {
  name: 'add-pr-lint-workflow',
  summary: 'add .github/workflows/pr-lint.yml (ESLint + outbox-audit gate, SARIF upload, job summary)',
  run(workspace: Workspace) {
    const wanted = prLintWorkflow({ baseline: workspace.exists(BASELINE_FILE) });
    if (!workspace.exists(WORKFLOW_FILE)) {
      workspace.write(WORKFLOW_FILE, wanted);
      return;
    }
    const current = workspace.read(WORKFLOW_FILE);
    if (current.replace(/\r\n/g, '\n') === wanted) return;
    workspace.skip({
      code: 'workflow-differs',
      file: WORKFLOW_FILE,
      line: 1,
      reason: `${WORKFLOW_FILE} exists and differs from the workflow this transform writes; left as it is (compare it with \`outbox-codemod add-pr-lint-workflow\`'s output in docs/transforms/add-pr-lint-workflow.md)`,
    });
  },
};
