import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import plugin from 'eslint-plugin-outbox';
import { OverlayWorkspace } from 'outbox-codemod';
import { classifyFile, readConfigFile, resolveSettings, type MissingReason, type PartialSettings } from 'outbox-analysis';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/index.js';

/**
 * One analysis, three front-ends: on the same code, the ESLint rules, the audit and the codemods' workspace must see
 * the same router DB calls and the same operations with the same missing flags — finding by finding. The corpora are
 * every preset's fixture app and the reference runtime.
 */

const APPS = path.resolve(__dirname, '../../analysis/test/apps');
const RUNTIME = path.resolve(__dirname, '../../reference-runtime');

const RULE_OF_REASON: Record<MissingReason, string> = {
  'no-outbox-repository': 'outbox/require-outbox-event',
  'no-event': 'outbox/require-outbox-event',
  'event-after-commit': 'outbox/require-outbox-event',
  'event-missing-on-path': 'outbox/require-outbox-event',
  'event-dual-write': 'outbox/require-outbox-event',
  'no-idempotency-check': 'outbox/require-idempotency',
  'idempotency-after-write': 'outbox/require-idempotency',
  'idempotency-after-guard': 'outbox/require-idempotency',
  'commit-left-to-router': 'outbox/require-service-commit',
};

interface Corpus {
  name: string;
  root: string;
  config: PartialSettings;
}

const work = mkdtempSync(path.join(tmpdir(), 'outbox-agreement-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function corpora(): Corpus[] {
  const apps = readdirSync(APPS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const { presets } = JSON.parse(readFileSync(path.join(APPS, entry.name, 'app.json'), 'utf8')) as { presets: string[] };
      return { name: entry.name, root: path.join(APPS, entry.name), config: { presets } };
    });
  return [...apps, { name: 'reference-runtime', root: RUNTIME, config: readConfigFile(path.join(RUNTIME, 'outbox.config.json')) as PartialSettings }];
}

describe('the three front-ends agree', () => {
  it.each(corpora().map((corpus) => [corpus.name, corpus] as const))('%s', async (name, corpus) => {
    const root = path.join(work, name);
    cpSync(corpus.root, root, { recursive: true, filter: (source) => !/[\\/](node_modules|\.pglite|coverage)$/.test(source) });
    writeFileSync(path.join(root, 'outbox.config.json'), JSON.stringify(corpus.config));
    const settings = resolveSettings(corpus.config);

    // The audit: router findings and every missing flag of every operation.
    const report = await runAudit({ root });
    const fromAudit = new Set<string>();
    for (const router of report.routers) for (const finding of router.findings) fromAudit.add(`${router.file}:${finding.line} outbox/no-db-in-router`);
    for (const operation of report.operations) {
      for (const missing of operation.missing) fromAudit.add(`${operation.file}:${missing.line} ${RULE_OF_REASON[missing.reason]}`);
    }

    // ESLint with the plugin and the same settings.
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [{ ...plugin.configs.recommended, settings: { outbox: corpus.config } }],
    });
    const fromEslint = new Set<string>();
    for (const result of await eslint.lintFiles(['.'])) {
      const file = path.relative(root, result.filePath).split(path.sep).join('/');
      for (const message of result.messages) {
        if (message.ruleId?.startsWith('outbox/')) fromEslint.add(`${file}:${message.line} ${message.ruleId}`);
        else if (message.fatal && !classifyFile(file, settings).ignored) fromEslint.add(`${file}:${message.line} parse error`);
      }
    }

    // The codemods' workspace: the operations it plans from.
    const workspace = new OverlayWorkspace(root, { idempotency: 'store', todoComments: false }, corpus.config);
    const fromCodemods = new Set<string>();
    const fromAuditOperations = new Set(report.operations.map((op) => `${op.file}:${op.line} ${op.method} ${op.compliant}`));
    for (const file of workspace.files()) {
      if (classifyFile(file, settings).ignored) continue;
      for (const op of workspace.analysis(file).operations) fromCodemods.add(`${file}:${op.line} ${op.method} ${op.compliant}`);
    }

    expect([...fromEslint].sort()).toEqual([...fromAudit].sort());
    expect([...fromCodemods].sort()).toEqual([...fromAuditOperations].sort());
    expect(report.summary.operations).toBeGreaterThan(0);
  });
});
