import { describe, expect, it } from 'vitest';
import { lineWith, missingOf, operation, serviceWith } from './support.js';

const W = "await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', [s, id]);";
const EV = "await this.outboxRepo.addEvent({ eventType: 'partner.updated' });";
const CM = 'await this.db.commit();';

interface EventCase {
  shape: string;
  /** The method body (the method is `async op(id, s, items, ok)`). */
  body: string;
  /** More members: helpers. */
  helpers?: string;
  event: boolean;
  reason?: 'no-event' | 'event-after-commit' | 'event-missing-on-path';
  /** Text on the line the finding must point at. */
  at?: string;
  /** What the message must say. */
  message?: RegExp;
}

const cases: EventCase[] = [
  { shape: 'event, then commit', body: `${W}\n${EV}\n${CM}`, event: true },
  { shape: 'no event at all', body: `${W}\n${CM}`, event: false, reason: 'no-event', at: 'async op(', message: /adds no outbox event/ },
  {
    shape: 'event after the commit',
    body: `${W}\n${CM}\nawait this.outboxRepo.addEvent({ late: true });`,
    event: false,
    reason: 'event-after-commit',
    at: 'late: true',
    message: /after the commit on line 5\b/,
  },
  {
    shape: 'event on one branch of an if only',
    body: `${W}\nif (ok) {\n  ${EV}\n}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    at: CM,
    message: /path through line 5 \(where the condition on line 5 is false\)/,
  },
  {
    shape: 'event on the then branch, not the else',
    body: `${W}\nif (ok) {\n  ${EV}\n} else {\n  s = 'x';\n}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    at: CM,
    message: /path through line 8 \(the else branch of the if on line 5\)/,
  },
  { shape: 'event on both branches', body: `${W}\nif (ok) {\n  ${EV}\n} else {\n  await this.outboxRepo.addEvent({ other: 1 });\n}\n${CM}`, event: true },
  {
    shape: 'early return with a commit before the event',
    body: `${W}\nif (ok) {\n  ${CM}\n  return;\n}\n${EV}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    at: CM,
    message: /path through line 6 \(where the condition on line 5 is true\)/,
  },
  { shape: 'early return before any write', body: `if (!ok) return null;\n${W}\n${EV}\n${CM}`, event: true },
  { shape: 'early return after a write, without commit (rolled back)', body: `${W}\nif (!ok) return null;\n${EV}\n${CM}`, event: true },
  { shape: 'a throw before the event', body: `${W}\nif (!ok) throw new Error('no');\n${EV}\n${CM}`, event: true },
  {
    shape: 'a throw caught, then committed without the event',
    body: `try {\n  ${W}\n  if (!ok) throw new Error('no');\n  ${EV}\n} catch (error) {\n  log(error);\n}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    at: CM,
    // The path that wrote: the throw after the write, caught (a throw of the write itself wrote nothing).
    message: /path through line 6 \(where the condition on line 6 is true\)/,
  },
  { shape: 'commit in try, rollback in catch', body: `try {\n  ${W}\n  ${EV}\n  ${CM}\n} catch (error) {\n  await this.db.rollback();\n  throw error;\n}`, event: true },
  {
    shape: 'commit in finally also runs after an exception',
    body: `try {\n  ${W}\n  ${EV}\n} finally {\n  ${CM}\n}`,
    event: false,
    reason: 'event-missing-on-path',
    at: CM,
    message: /path through line 8 \(the finally block on line 7, after an exception\)/,
  },
  { shape: 'a return in try runs finally first', body: `try {\n  ${W}\n  ${EV}\n  return 1;\n} finally {\n  ${CM}\n}`, event: false, reason: 'event-missing-on-path' },
  {
    shape: 'switch: every case adds the event, with a default',
    body: `${W}\nswitch (s) {\n  case 'a':\n    ${EV}\n    break;\n  default:\n    await this.outboxRepo.addEvent({ d: 1 });\n}\n${CM}`,
    event: true,
  },
  {
    shape: 'switch: fall-through into the event',
    body: `${W}\nswitch (s) {\n  case 'a':\n  case 'b':\n    ${EV}\n    break;\n  default:\n    throw new Error('bad');\n}\n${CM}`,
    event: true,
  },
  {
    shape: 'switch: fall-through past the event',
    body: `${W}\nswitch (s) {\n  case 'a':\n    ${EV}\n  case 'b':\n    ${CM}\n    break;\n  default:\n    throw new Error('bad');\n}`,
    event: false,
    reason: 'event-missing-on-path',
    at: CM,
    message: /case 'b' of the switch on line 5/,
  },
  {
    shape: 'switch without a default',
    body: `${W}\nswitch (s) {\n  case 'a':\n    ${EV}\n    break;\n}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    message: /no case of the switch on line 5 matches/,
  },
  {
    shape: 'a for-of loop may run zero times',
    body: `${W}\nfor (const item of items) {\n  await this.outboxRepo.addEvent({ item });\n}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    message: /loop on line 5 runs zero times/,
  },
  // A commit with nothing written on its path has nothing for an event to announce.
  { shape: 'a loop of writes and events committed per iteration, then a commit that may have nothing to commit', body: `for (const item of items) {\n  ${W}\n  ${EV}\n  ${CM}\n}\n${CM}`, event: true },
  { shape: 'an early commit on a path that wrote nothing', body: `if (!ok) {\n  ${CM}\n  return;\n}\n${W}\n${EV}\n${CM}`, event: true },
  {
    shape: 'a commit after a loop that wrote without an event (trap: it did write)',
    body: `for (const item of items) {\n  ${W}\n}\n${CM}`,
    event: false,
    reason: 'no-event',
  },
  {
    shape: 'a write that commits by itself in a helper, no event (trap: the helper wrote)',
    body: `if (ok) {\n  ${EV}\n}\nawait this.finish(id);`,
    helpers: `  private async finish(id: string) {\n    await this.db.execute('DELETE FROM partners WHERE id = $1', [id]);\n    ${CM}\n  }`,
    event: false,
    reason: 'event-missing-on-path',
  },
  { shape: 'a for loop with the event before it', body: `${W}\n${EV}\nfor (let i = 0; i < items.length; i++) {\n  ${W}\n}\n${CM}`, event: true },
  { shape: 'a while loop may run zero times', body: `${W}\nwhile (ok) {\n  ${EV}\n  ok = false;\n}\n${CM}`, event: false, reason: 'event-missing-on-path' },
  { shape: 'a do-while loop runs at least once', body: `${W}\ndo {\n  ${EV}\n} while (ok);\n${CM}`, event: true },
  { shape: 'an endless loop left by break after the event', body: `${W}\nwhile (true) {\n  ${EV}\n  break;\n}\n${CM}`, event: true },
  {
    shape: 'a break before the event',
    body: `${W}\nfor (;;) {\n  if (ok) break;\n  ${EV}\n  break;\n}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
  },
  { shape: 'continue skips to the next round', body: `${W}\n${EV}\nfor (const item of items) {\n  if (!item) continue;\n  ${W}\n}\n${CM}`, event: true },
  {
    shape: 'a labelled break out of two loops skips the event',
    body: `${W}\nouter: for (const a of items) {\n  for (const b of a) {\n    if (b) break outer;\n  }\n}\n${EV}\n${CM}`,
    event: true,
  },
  {
    shape: 'a labelled block left before the event',
    body: `${W}\nemit: {\n  if (!ok) break emit;\n  ${EV}\n}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    message: /path through line 6 \(where the condition on line 6 is true\)/,
  },
  {
    shape: 'a labelled continue to the outer loop, event after the loops',
    body: `${W}\nouter: for (const a of items) {\n  for (const b of a) {\n    if (b) continue outer;\n  }\n}\n${EV}\n${CM}`,
    event: true,
  },
  { shape: 'a conditional commit after the event', body: `${W}\n${EV}\nif (ok) {\n  ${CM}\n}`, event: true },
  {
    shape: 'a conditional commit on the branch without the event',
    body: `${W}\nif (ok) {\n  ${EV}\n} else {\n  ${CM}\n  return;\n}\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    message: /the else branch of the if on line 5/,
  },
  { shape: 'the event in a conditional expression', body: `${W}\nawait (ok ? this.outboxRepo.addEvent({ a: 1 }) : this.outboxRepo.addEvent({ b: 1 }));\n${CM}`, event: true },
  {
    shape: 'the event behind &&',
    body: `${W}\nok && (await this.outboxRepo.addEvent({ a: 1 }));\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    message: /`&&` on line 5 skips its right side/,
  },
  { shape: 'the event behind ??', body: `${W}\nconst done = cached ?? (await this.outboxRepo.addEvent({ a: 1 }));\n${CM}`, event: false, reason: 'event-missing-on-path' },
  { shape: 'the event through optional chaining may not run', body: `${W}\nawait this.outboxRepo?.addEvent({ a: 1 });\n${CM}`, event: false, reason: 'event-missing-on-path' },
  {
    shape: 'the event in a callback is only maybe added',
    body: `${W}\nitems.forEach((item) => this.outboxRepo.addEvent({ item }));\n${CM}`,
    event: false,
    reason: 'event-missing-on-path',
    message: /function on line 5 does not run/,
  },
  { shape: 'a helper that adds the event', body: `${W}\nawait this.emit(id);\n${CM}`, helpers: `  private async emit(id) { ${EV} }`, event: true },
  { shape: 'a helper that adds the event on every path', body: `${W}\nawait this.emit(id);\n${CM}`, helpers: `  private async emit(id) {\n    if (id) { ${EV} return; }\n    await this.outboxRepo.addEvent({ none: true });\n  }`, event: true },
  {
    shape: 'a helper that adds the event on one path only',
    body: `${W}\nawait this.emit(id);\n${CM}`,
    helpers: `  private async emit(id) { if (id) { ${EV} } }`,
    event: false,
    reason: 'event-missing-on-path',
    at: CM,
  },
  { shape: 'a helper that writes, adds the event and commits', body: 'await this.finish(id);', helpers: `  private async finish(id) { ${W} ${EV} ${CM} }`, event: true },
  { shape: 'a helper that commits, after the event', body: `${W}\n${EV}\nawait this.finish();`, helpers: `  private async finish() { ${CM} }`, event: true },
  {
    shape: 'a helper that commits, before the event',
    body: `${W}\nawait this.finish();\n${EV}`,
    helpers: `  private async finish() { ${CM} }`,
    event: false,
    reason: 'event-after-commit',
    at: EV,
    message: /after the commit on line 5\b/,
  },
  {
    shape: 'a helper that adds the event after the caller committed',
    body: `${W}\n${CM}\nawait this.emit();`,
    helpers: `  private async emit() { ${EV} }`,
    event: false,
    reason: 'event-after-commit',
    at: 'this.emit()',
  },
  { shape: 'a helper that commits inside a transaction callback', body: `await this.inTransaction(async () => {\n  ${W}\n  ${EV}\n  ${CM}\n});`, event: true },
  // Operations that never commit: the event must be on every path after the writes.
  { shape: 'no commit, event after the write', body: `${W}\n${EV}`, event: true },
  {
    shape: 'no commit, event on one branch',
    body: `${W}\nif (ok) {\n  ${EV}\n}`,
    event: false,
    reason: 'event-missing-on-path',
    message: /reaches the end of PartnerService\.op after writing/,
  },
  {
    shape: 'no commit, a return after the write skips the event',
    body: `${W}\nif (ok) return 1;\n${EV}`,
    event: false,
    reason: 'event-missing-on-path',
    at: 'return 1',
    message: /returns after writing without an outbox event/,
  },
  { shape: 'no commit, return before the write', body: `if (ok) return 1;\n${W}\n${EV}`, event: true },
];

describe('the event flag', () => {
  it.each(cases)('$shape', ({ body, helpers, event, reason, at, message }) => {
    const indented = body.split('\n').map((line) => `    ${line}`).join('\n');
    const code = serviceWith(`  async op(id, s, items, ok) {\n${indented}\n  }${helpers ? `\n${helpers}` : ''}`);
    const op = operation(code, 'op');
    const missing = missingOf(op, 'event');
    expect(op.event).toBe(event);
    expect(missing === undefined).toBe(event);
    if (reason) expect(missing?.reason).toBe(reason);
    if (at) expect(missing?.line).toBe(lineWith(code, at.trim()));
    if (message) expect(missing?.message).toMatch(message);
  });
});

describe('the event flag in a transaction scope', () => {
  const service = (callback: string) =>
    [
      'export class UserService {',
      '  constructor(private readonly prisma: PrismaClient, private readonly outboxRepoFor: (tx: unknown) => OutboxRepository) {}',
      '  async rename(id: string, name: string) {',
      '    return this.prisma.$transaction(async (tx) => {',
      ...callback.split('\n').map((line) => `      ${line}`),
      '    });',
      '  }',
      '}',
      '',
    ].join('\n');
  const event = "await this.outboxRepoFor(tx).addEvent({ eventType: 'user.renamed', aggregateId: id });";

  it('owes no event on a path that returns before writing: the scope commits nothing there', () => {
    const code = service(`const user = await tx.user.findUnique({ where: { id } });\nif (!user || user.name === name) return user;\nconst renamed = await tx.user.update({ where: { id }, data: { name } });\n${event}\nreturn renamed;`);
    expect(operation(code, 'rename', 'src/users/user.service.ts', { presets: ['prisma'] }).event).toBe(true);
  });

  it('owes one on a path that wrote, even when it returns early', () => {
    const code = service(`const renamed = await tx.user.update({ where: { id }, data: { name } });\nif (renamed.name === name) return renamed;\n${event}\nreturn renamed;`);
    const op = operation(code, 'rename', 'src/users/user.service.ts', { presets: ['prisma'] });
    expect(op.event).toBe(false);
    expect(missingOf(op, 'event')?.reason).toBe('event-missing-on-path');
  });
});
