import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';

export type Json = Record<string, any>;

/** One HTTP case of a table-driven module test: set up, act through HTTP, expect a status and an effect on rows. */
export interface Case<Ctx> {
  name: string;
  arrange: () => Promise<Ctx>;
  act: (ctx: Ctx) => Promise<LightMyRequestResponse>;
  status: number;
  /** For refusals: text the error message must contain (the field it is about). */
  message?: string;
  effect?: (ctx: Ctx, body: Json) => Promise<void>;
}

/** Keeps each case's context type while the table holds cases of many. */
export const define = <Ctx>(c: Case<Ctx>) => c as unknown as Case<unknown>;

const bodyOf = (res: LightMyRequestResponse): Json => (res.body ? res.json() : {});

/** Every operation: the status code, then the effect on the database. */
export function describeOperations(title: string, cases: Case<unknown>[]): void {
  describe(title, () => {
    it.each(cases)('$name', async (c) => {
      const ctx = await c.arrange();
      const res = await c.act(ctx);
      expect(res.statusCode, res.body).toBe(c.status);
      await c.effect?.(ctx, bodyOf(res));
    });
  });
}

/** Bad input: a 4xx naming the field, and not one row changed (`snapshot` reads what the module owns). */
export function describeRefusals(title: string, cases: Case<unknown>[], snapshot: () => Promise<unknown>): void {
  describe(title, () => {
    it.each(cases)('$name', async (c) => {
      const ctx = await c.arrange();
      const before = await snapshot();
      const res = await c.act(ctx);
      expect(res.statusCode, res.body).toBe(c.status);
      if (c.message) expect(res.json().message).toContain(c.message);
      expect(await snapshot()).toEqual(before);
      await c.effect?.(ctx, bodyOf(res));
    });
  });
}
