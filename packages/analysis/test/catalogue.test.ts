/**
 * The catalogue speaks for the analysis: every message a missing flag, a warning or a router finding carries is its
 * template filled with its data — no placeholder left, the rule and reason the catalogue gives that template — on
 * every file of the reference runtime and of the preset apps.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  analyzeFile,
  compareFindings,
  fileFindings,
  formatMessage,
  MESSAGES,
  messagesOf,
  REASONS,
  RULE_FOR_FLAG,
  RULE_LIST,
  RULES,
  resolveSettings,
  routerCallMessage,
  type FileAnalysis,
} from '../src/index.js';

const runtime = fileURLToPath(new URL('../../reference-runtime/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

const analyses: FileAnalysis[] = sources(join(runtime, 'src')).map((file) =>
  analyzeFile(relative(runtime, file).split(sep).join('/'), readFileSync(file, 'utf8'), resolveSettings({})),
);

describe('the catalogue', () => {
  it('has a page, a rank and words for every rule, and a rule for every reason and message', () => {
    expect(RULE_LIST.map((r) => r.rank)).toEqual([0, 1, 2, 3]);
    for (const rule of RULE_LIST) {
      expect(rule.id).toBe(`outbox/${rule.name}`);
      expect(rule.docs).toBe(`packages/eslint-plugin-outbox/docs/rules/${rule.name}.md`);
      expect(Object.keys(messagesOf(rule.name)).length).toBeGreaterThan(0);
    }
    for (const entry of Object.values(MESSAGES)) {
      expect(RULES[entry.rule]).toBeDefined();
      expect(REASONS[entry.reason].rule).toBe(entry.rule);
    }
  });

  it('fills templates as ESLint does, and never reads a value as a template', () => {
    expect(formatMessage('noEvent', { who: 'A.b', eventCall: 'addEvent' })).toBe(
      'A.b writes but adds no outbox event; call addEvent(...) on the outbox repository before the commit so the change is published.',
    );
    expect(formatMessage('dbCallInRoute', { handle: 'db', call: 'execute', route: 'GET /{{handle}}' })).toContain('in a router (GET /{{handle}})');
  });

  it('writes every message of the runtime from its templates', () => {
    let missing = 0;
    for (const analysis of analyses) {
      for (const op of analysis.operations) {
        for (const m of op.missing) {
          missing++;
          expect(m.message).toBe(formatMessage(m.messageId, m.data));
          expect(m.message).not.toMatch(/\{\{/);
          expect(MESSAGES[m.messageId].reason).toBe(m.reason);
          expect(MESSAGES[m.messageId].rule).toBe(RULE_FOR_FLAG[m.flag]);
        }
        for (const w of op.warnings) {
          expect(w.message).toBe(formatMessage(w.messageId, w.data));
          expect(MESSAGES[w.messageId].reason).toBe(w.kind);
        }
      }
      for (const call of analysis.routerDbCalls) {
        const { messageId, data } = routerCallMessage(call);
        expect(formatMessage(messageId, data)).not.toMatch(/\{\{/);
      }
    }
    // 109 non-compliant operations of 114, each missing at least one flag.
    expect(missing).toBeGreaterThan(109);
  });

  it('ranks findings by severity, then by rule: router DB calls first', () => {
    const findings = analyses.flatMap((a) => fileFindings(a, { strict: true })).sort(compareFindings);
    const order = findings.map((f) => `${f.severity}:${RULES[f.rule as keyof typeof RULES].rank}`);
    const firstWarning = order.findIndex((o) => o.startsWith('warning'));
    expect(firstWarning).toBeGreaterThan(0);
    expect(order.slice(firstWarning).every((o) => o.startsWith('warning'))).toBe(true);
    const ranks = order.slice(0, firstWarning).map((o) => Number(o.split(':')[1]));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(findings[0]!.rule).toBe('no-db-in-router');
  });
});
