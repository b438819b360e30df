import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/project.js';

// The bundled reference runtime: 109 non-compliant operations and 208 router calls, far past GitHub's annotation cap.
describe('output formats on the bundled runtime', () => {
  it('github: annotates the most important findings up to the cap, counts the rest, writes the job summary', async () => {
    const summary = path.join(mkdtempSync(path.join(tmpdir(), 'outbox-gh-')), 'summary.md');
    const run = await runCli(['--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' } });
    expect(run.code).toBe(1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(10);
    // The verdict first (never the one GitHub drops), then router DB calls, which rank first.
    expect(errors[0]).toMatch(/^::error title=outbox-audit gate failed::109 non-compliant operation/);
    expect(errors.slice(1).every((l) => l.includes('title=outbox/no-db-in-router'))).toBe(true);
    expect(errors[1]).toMatch(/file=packages\/reference-runtime\/src\/modules\/[a-z_]+\/router\.ts,line=\d+/);
    expect(run.stdout).toMatch(/\d+ more finding\(s\) not annotated/);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('# Infrastructure verification report');
    expect(md).toContain('**Current score: 3/12 (25%)**');
  });

  it('markdown: the seed-style report, every number computed', async () => {
    const run = await runCli(['--format', 'markdown', '--report-only']);
    expect(run.code).toBe(0);
    const md = run.stdout;
    for (const heading of ['## Executive summary', '## 1. AI orchestration layer ⚠️', '## 2. WebSocket real-time ✅', '## 3. Webhook system ✅', '## 4. Infrastructure integration ❌', '## 5. PR lint / check enforcement ❌', '## Verification checklist', '## Recommended actions (priority order)']) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('- ⚠️ Infrastructure integration: 4.4% complete (5/114 operations)');
    expect(md).toMatch(/\| `src\/modules\/partners\/router\.ts` \| 7 \| 1 \| /);
    expect(md).toMatch(/`src\/modules\/matching\/matching-engine\.ts:\d+` — this\.scorer = new MatchScorer\(this\.config\)/);
    expect(md).toContain('- [x] AI Orchestration Layer exists');
    expect(md).toContain('- [ ] PR lint workflow exists');
    expect(md).toContain('**Gate: FAILED (report only, not enforced)**');
  });

  it('text: colour only where asked for, never under NO_COLOR', async () => {
    const plain = await runCli(['--report-only'], { env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    expect(plain.stdout).toContain('Operations  5/114 compliant (4.4%)');
    const forced = await runCli(['--report-only'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\x1b\[/);
    const piped = await runCli(['--report-only'], { env: { NO_COLOR: '', FORCE_COLOR: undefined } });
    expect(piped.stdout).not.toMatch(/\x1b\[/);
  });

  it('json: the DESIGN.md contract', async () => {
    const run = await runCli(['--format', 'json', '--report-only']);
    const report = JSON.parse(run.stdout);
    expect(report.schemaVersion).toBe(2);
    expect(report.summary).toMatchObject({ operations: 114, compliant: 5, percent: 4.4 });
    expect(report.operations.find((o: { kind: string }) => o.kind === 'service')).toEqual(
      expect.objectContaining({ module: expect.any(String), kind: 'service', className: expect.any(String), method: expect.any(String), file: expect.stringMatching(/^src\//), line: expect.any(Number), outbox: expect.any(Boolean), idempotency: expect.any(Boolean), event: expect.any(Boolean), commit: expect.any(Boolean), compliant: expect.any(Boolean) }),
    );
    const routerOp = report.operations.find((o: { kind: string }) => o.kind === 'router');
    expect(routerOp.method).toMatch(/^(POST|PUT|PATCH|DELETE) \//);
    expect(report.routers.find((r: { module: string }) => r.module === 'partners')).toMatchObject({ dbCommit: 7, dbExecute: 1 });
    expect(report.checklist.map((c: { id: string }) => c.id)).toHaveLength(12);
    expect(report.diagnostics).toEqual([]);
  });
});
