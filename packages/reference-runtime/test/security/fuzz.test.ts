import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type Client, type RouteInfo, type TestRuntime } from '../support/runtime.js';
import { objectPaths, stringFields, withValue, type JsonSchema } from '../support/examples.js';
import { watchWrites, type WriteLog } from '../support/writes.js';
import { bodyAimedAtA, buildWorld, isMutating, key, queryAimedAtA, urlFor, type World } from './world.js';

/**
 * The fuzz: every mutating route of the app (enumerated from its own route registrations), every string field of its
 * body and every path parameter, each given hostile strings inside an otherwise valid request aimed at real rows.
 *
 *   - Strings no database can store (NUL, unpaired surrogates, in values and in property names) must be a 400 naming
 *     the field, written nothing.
 *   - Strings a database can store but that push at its limits (the longest the schema allows, in three-byte
 *     characters; bidi and zero-width controls; SQL; a real surrogate pair) may succeed or be refused, but never with
 *     a 5xx, and never with a write under an error status.
 *   - No error body, of any of these requests, carries SQL, PostgreSQL's messages or the driver's details.
 *
 * One runtime, one world; the refusals go in concurrent batches, the rest one by one with the write log read after
 * each. The figures are printed as a `[fuzz]` line.
 */

/** Every string field gets a NUL, and one of the unpaired-surrogate shapes (taking turns from field to field). */
const NUL = 'ab\u0000cd';
const SURROGATES: Record<string, string> = {
  'unpaired high surrogate at the end': 'ab\uD800',
  'unpaired low surrogate alone': '\uDC00',
  'reversed surrogate pair': '\uDE00\uD83D',
};
let turn = 0;
function unstorable(): [string, string][] {
  const [name, value] = Object.entries(SURROGATES)[turn++ % 3]!;
  return [['NUL inside', NUL], [name, value]];
}

const STORABLE: Record<string, (schema: JsonSchema) => string> = {
  'the longest allowed, in three-byte characters': (schema) => '\u0905'.repeat(Math.min(schema.maxLength ?? 5000, 5000)),
  'SQL, bidi override, zero-width and line-separator characters, a real surrogate pair': () =>
    "'); DROP TABLE users; -- \u202Eevil\u200B\u2028\uFEFF \uD83D\uDE00",
};

/** What an error body must never show: PostgreSQL's own wording, SQL, the driver. */
const LEAKS = /Key \(|violates|duplicate key|relation "|column "|syntax error|invalid input syntax|\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b|pg_|node_modules|at \w+ \(|constraint "|table "|unsupported Unicode escape|invalid byte sequence/;

/** Routes that act on the caller's own session: sent as an account of their own, logout last of all. */
const OWN_ACCOUNT = new Set(['POST /auth/logout', 'POST /auth/change-password']);

let rt: TestRuntime;
let world: World;
let writes: WriteLog;
const figures = { requests: 0, serverErrors: 0, writesUnderErrors: 0, routes: 0, fields: 0 };
const failures: string[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  world = await buildWorld(rt);
  writes = await watchWrites(rt.database);
});
afterAll(async () => {
  console.log(
    `[fuzz] ${figures.requests} requests to ${figures.routes} mutating routes (${figures.fields} string fields and parameters): ` +
      `${figures.serverErrors} answered >= 500, ${figures.writesUnderErrors} wrote rows under an error status`,
  );
  await rt?.close();
});

/** Mutating routes, deletions and logout last (they take away what the others aim at). */
function mutatingRoutes(): RouteInfo[] {
  const rank = (route: RouteInfo) => (key(route) === 'POST /auth/logout' ? 2 : route.method === 'DELETE' ? 1 : 0);
  return rt.routes.filter(isMutating).sort((a, b) => rank(a) - rank(b));
}

function messageOf(res: LightMyRequestResponse): string {
  try {
    return String(res.json().message ?? '');
  } catch {
    return '';
  }
}

function record(route: RouteInfo, what: string, res: LightMyRequestResponse, written: string[]): void {
  figures.requests++;
  if (res.statusCode >= 500) {
    figures.serverErrors++;
    failures.push(`${key(route)} ${what} → ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  if (res.statusCode >= 400 && written.length > 0) {
    figures.writesUnderErrors++;
    failures.push(`${key(route)} ${what} → ${res.statusCode} but wrote ${written.join(', ')}`);
  }
  if (res.statusCode >= 400 && LEAKS.test(res.body)) failures.push(`${key(route)} ${what} → error body shows internals: ${res.body.slice(0, 200)}`);
}

describe('error bodies speak the API, not the database', () => {
  it('a duplicate, a dangling reference and a broken rule are 4xx naming the field, without PostgreSQL\'s words', async () => {
    const duplicate = await rt.post('/settings/roles', { name: 'trader' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().message).toBe('already exists: name trader');
    const dangling = await rt.post('/commodities', { code: 'URAD', name: 'Black gram', category: 'pulses', tradingUnit: 'quintal', hsnCodeId: '00000000-0000-4000-8000-000000000000' });
    expect(dangling.statusCode).toBe(422);
    expect(dangling.json().message).toBe('unknown reference: hsnCodeId');
    const inUse = await rt.delete(`/organizations/${world.orgA}`);
    expect(inUse.statusCode).toBe(409);
    for (const res of [duplicate, dangling, inUse]) expect(res.body).not.toMatch(LEAKS);
  });
});

describe('the fuzz over every mutating route', () => {
  it('never answers 5xx, never writes under an error status, and refuses unstorable strings with a 400 naming the field', async () => {
    const routes = mutatingRoutes();
    expect(routes.length).toBeGreaterThan(100);
    const platform = rt as Client;
    const member = rt.as(world.adminA.token);
    const own = await rt.account({ organizationId: world.orgA, roles: ['viewer'] });

    for (const route of routes) {
      figures.routes++;
      const url = urlFor(world, route) + queryAimedAtA(world, route);
      const base = bodyAimedAtA(world, route);
      // The platform administrator may act in every organisation; the routes of an organisation's own (webhooks)
      // want one of its members. A valid request first: it, too, must not fail badly.
      let client: Client = OWN_ACCOUNT.has(key(route)) ? rt.as(own.token) : platform;
      let mark = await writes.mark();
      let res = await client.request(route.method, url, base);
      if (res.statusCode === 403 && client === platform) {
        client = member;
        mark = await writes.mark();
        res = await client.request(route.method, url, base);
      }
      record(route, 'with a valid body', res, res.statusCode >= 400 ? await writes.since(mark) : []);
      if (key(route) === 'POST /auth/logout') continue;

      const bodySchema = route.schema.body as JsonSchema | undefined;
      const fields = stringFields(bodySchema);
      const params = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
      figures.fields += fields.length + params.length;

      // Unstorable strings: refused before any handler runs — sent concurrently, then the write log must be still.
      const refusals: { what: string; field: string; send: () => Promise<LightMyRequestResponse> }[] = [];
      for (const { path } of fields) {
        const field = path.filter((p) => typeof p === 'string').at(-1) as string;
        for (const [name, value] of unstorable()) {
          refusals.push({ what: `body/${path.join('/')} = ${name}`, field, send: () => client.request(route.method, url, withValue(base, path, value, bodySchema)) });
        }
      }
      for (const path of objectPaths(bodySchema)) {
        const where = ['body', ...path].join('/');
        refusals.push({
          what: `${where} with a NUL in a property name`,
          field: where,
          send: () => client.request(route.method, url, withValue(base, [...path, 'x\u0000y'], 'z', bodySchema)),
        });
      }
      for (const param of params) {
        const bad = urlFor(world, route, { [param]: encodeURIComponent('ab\u0000cd') }) + queryAimedAtA(world, route);
        refusals.push({ what: `params/${param} = NUL inside`, field: param, send: () => client.request(route.method, bad, base) });
      }
      const before = await writes.mark();
      const answers = await Promise.all(refusals.map(async (r) => ({ ...r, res: await r.send() })));
      const written = await writes.since(before);
      for (const { what, field, res: answer } of answers) {
        record(route, what, answer, written);
        if (answer.statusCode !== 400 || !messageOf(answer).includes(field)) {
          failures.push(`${key(route)} ${what} → ${answer.statusCode} ${answer.body.slice(0, 160)} (wanted 400 naming ${field})`);
        }
      }

      // Storable but awkward strings: anything but a 5xx, and nothing written unless it succeeded.
      let position = await writes.mark();
      for (const { path, schema } of fields) {
        for (const [name, make] of Object.entries(STORABLE)) {
          const answer = await client.request(route.method, url, withValue(base, path, make(schema), bodySchema));
          if (answer.statusCode >= 400) record(route, `body/${path.join('/')} = ${name}`, answer, await writes.since(position));
          else {
            record(route, `body/${path.join('/')} = ${name}`, answer, []);
            position = await writes.mark();
          }
        }
      }
    }

    expect(failures).toEqual([]);
    expect(figures.serverErrors).toBe(0);
    expect(figures.writesUnderErrors).toBe(0);
  }, 300_000); // ~1,400 requests: longer than the project's per-test patience on a busy machine
});
