import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBroker, type BrokerMessage } from '../../src/core/broker/broker.js';
import { subscribeMatching } from '../../src/modules/matching/subscriber.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
/** The acting user: the test runtime's administrator — the actor comes from the session, never from a header. */
let TRADER: string;
const asTrader = {};

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
  TRADER = rt.admin.userId;
});
afterAll(async () => rt.close());

function ok(res: LightMyRequestResponse, status = 200): Record<string, any> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

const lot = (org: string, overrides: Record<string, unknown>) => ({
  organizationId: org, sellerPartnerId: randomUUID(), commodityCode: 'COTTON', unit: 'BALES', ...overrides,
});

/**
 * One organisation's desk: a published requirement for 200 bales in Rajkot and lots that score
 *   exact      1.0     (all of it, under the ceiling, same town, in spec)
 *   nearby     0.7291  (half of it, 1.8% over the ceiling, same state, staple 1.8% short)
 *   borderline 0.62    (half of it, cheap, another state, quality undeclared: an edge case)
 *   far        0.47    (too dear, another state, undeclared: not proposed)
 * plus a wheat lot and a draft lot that are never candidates.
 */
async function desk() {
  const org = randomUUID();
  const post = async (url: string, body: unknown, status = 201) => ok(await rt.post(url, body, asTrader), status);
  const requirement = await post('/requirements', {
    organizationId: org, buyerPartnerId: randomUUID(), commodityCode: 'COTTON', quantity: 200, unit: 'BALES',
    maxPricePerUnit: 28000, deliveryLocation: 'Rajkot', deliveryStateCode: 'GJ',
    qualitySpec: { staple_length_mm: { min: 28 }, moisture_pct: { max: 8 } },
  });
  await post(`/requirements/${requirement.id}/publish`, {}, 200);
  const approved = async (body: Record<string, unknown>) => {
    const created = await post('/availabilities', lot(org, body));
    await post(`/availabilities/${created.id}/approve`, {}, 200);
    return created.id as string;
  };
  const lots = {
    exact: await approved({ quantity: 500, pricePerUnit: 27500, location: 'Rajkot', stateCode: 'GJ', quality: { staple_length_mm: 29.5, moisture_pct: 7.5 } }),
    nearby: await approved({ quantity: 100, pricePerUnit: 28500, location: 'Surendranagar', stateCode: 'GJ', quality: { staple_length_mm: 27.5, moisture_pct: 7 } }),
    borderline: await approved({ quantity: 100, pricePerUnit: 27000, location: 'Adilabad', stateCode: 'TG' }),
    far: await approved({ quantity: 300, pricePerUnit: 35000, location: 'Guntur', stateCode: 'AP' }),
    wheat: await approved({ commodityCode: 'WHEAT', unit: 'QTL', quantity: 900, pricePerUnit: 2400, location: 'Rajkot', stateCode: 'GJ' }),
    draft: (await post('/availabilities', lot(org, { quantity: 500, pricePerUnit: 20000, location: 'Rajkot', stateCode: 'GJ' }))).id as string,
  };
  return { org, requirement, lots };
}

const matchRows = async (requirementId: string) =>
  rt.rows<Record<string, any>>(
    `SELECT availability_id::text AS availability, score::float8 AS score, matched_quantity::float8 AS quantity, edge_case, status
       FROM matches WHERE requirement_id = $1 ORDER BY score DESC`,
    [requirementId],
  );

interface OperationCase {
  operation: string;
  arrange: () => Promise<{ url: string; ctx: Record<string, any> }>;
  status: number;
  effect: (body: Record<string, any>, ctx: Record<string, any>) => Promise<void>;
}

const operations: OperationCase[] = [
  {
    operation: 'findAndStoreMatches',
    arrange: async () => {
      const world = await desk();
      return { url: `/matching/requirements/${world.requirement.id}/runs`, ctx: world };
    },
    status: 201,
    effect: async (body, { requirement, lots }) => {
      expect(body).toMatchObject({ triggerType: 'requirement', triggerId: requirement.id, candidates: 4 });
      expect(await matchRows(requirement.id)).toEqual([
        { availability: lots.exact, score: 1, quantity: 200, edge_case: false, status: 'proposed' },
        { availability: lots.nearby, score: 0.7291, quantity: 100, edge_case: false, status: 'proposed' },
        { availability: lots.borderline, score: 0.62, quantity: 100, edge_case: true, status: 'proposed' },
      ]);
      expect(await rt.rows(`SELECT trigger_type, candidates, matched FROM matching_runs WHERE id = $1`, [body.runId]))
        .toEqual([{ trigger_type: 'requirement', candidates: 4, matched: 3 }]);
    },
  },
  {
    operation: 'acceptMatch',
    arrange: async () => {
      const world = await desk();
      const run = ok(await rt.post(`/matching/requirements/${world.requirement.id}/runs`, {}), 201);
      const best = run.matches.find((m: { availabilityId: string }) => m.availabilityId === world.lots.exact);
      return { url: `/matches/${best.id}/accept`, ctx: { ...world, best } };
    },
    status: 200,
    effect: async (body, { requirement, best }) => {
      expect(body).toMatchObject({ id: best.id, status: 'accepted', acceptedBy: TRADER, superseded: 2 });
      expect((await matchRows(requirement.id)).map((m) => m.status)).toEqual(['accepted', 'superseded', 'superseded']);
    },
  },
];

describe('matching operations', () => {
  it.each(operations)('MatchingService.$operation answers $status and writes its rows', async (c) => {
    const { url, ctx } = await c.arrange();
    await c.effect(ok(await rt.post(url, {}, asTrader), c.status), ctx);
  });
});

describe('matching rules', () => {
  it('matches a lot against the open requirements of its organisation', async () => {
    const { org, requirement, lots } = await desk();
    const other = ok(await rt.post('/requirements', {
      organizationId: org, buyerPartnerId: randomUUID(), commodityCode: 'COTTON', quantity: 50, unit: 'QTL',
      maxPricePerUnit: 16000, deliveryLocation: 'Ahmedabad', deliveryStateCode: 'GJ',
    }), 201);
    ok(await rt.post(`/requirements/${other.id}/publish`, {}));
    // Another organisation's requirement is never a candidate.
    const foreign = ok(await rt.post('/requirements', {
      organizationId: randomUUID(), buyerPartnerId: randomUUID(), commodityCode: 'COTTON', quantity: 10, unit: 'BALES',
      maxPricePerUnit: 30000, deliveryLocation: 'Rajkot', deliveryStateCode: 'GJ',
    }), 201);
    ok(await rt.post(`/requirements/${foreign.id}/publish`, {}));

    const run = ok(await rt.post(`/matching/availabilities/${lots.exact}/runs`, {}), 201);

    expect(run).toMatchObject({ triggerType: 'availability', candidates: 2 });
    expect(run.matches.map((m: { requirementId: string; score: number; matchedQuantity: number }) => [m.requirementId, m.score, m.matchedQuantity])).toEqual([
      [requirement.id, 1, 200],
      // 50 quintals in Ahmedabad at ₹160/kg against ₹161.76/kg offered: 1.1% over, same state.
      [other.id, 0.9219, 50],
    ]);
  });

  it('refreshes proposals on a rerun without duplicating them, and leaves decided ones alone', async () => {
    const { requirement, lots } = await desk();
    const first = ok(await rt.post(`/matching/requirements/${requirement.id}/runs`, {}), 201);
    const nearby = first.matches.find((m: { availabilityId: string }) => m.availabilityId === lots.nearby);
    ok(await rt.post(`/matches/${nearby.id}/accept`, {}));

    const second = ok(await rt.post(`/matching/requirements/${requirement.id}/runs`, {}), 201);

    // The accepted pair is not touched, and the superseded ones stay superseded.
    expect(second.matches).toEqual([]);
    expect(await rt.count('matches', 'requirement_id = $1', [requirement.id])).toBe(3);
    expect(await rt.count('matching_runs', 'trigger_id = $1', [requirement.id])).toBe(2);
    expect(await rt.rows(`SELECT status, run_id::text AS run FROM matches WHERE id = $1`, [nearby.id])).toEqual([{ status: 'accepted', run: first.runId }]);
  });

  it('logs a run that finds nothing', async () => {
    const org = randomUUID();
    const requirement = ok(await rt.post('/requirements', {
      organizationId: org, buyerPartnerId: randomUUID(), commodityCode: 'MAIZE', quantity: 10, unit: 'MT',
      maxPricePerUnit: 21000, deliveryLocation: 'Davangere', deliveryStateCode: 'KA',
    }), 201);
    ok(await rt.post(`/requirements/${requirement.id}/publish`, {}));
    const run = ok(await rt.post(`/matching/requirements/${requirement.id}/runs`, {}), 201);
    expect(run).toMatchObject({ candidates: 0, matches: [] });
    expect(await rt.count('matching_runs', 'trigger_id = $1 AND matched = 0', [requirement.id])).toBe(1);
  });

  it.each([
    {
      name: 'match a draft requirement',
      arrange: async () => {
        const draft = ok(await rt.post('/requirements', {
          organizationId: randomUUID(), buyerPartnerId: randomUUID(), commodityCode: 'COTTON', quantity: 1, unit: 'BALES',
          maxPricePerUnit: 1, deliveryLocation: 'x', deliveryStateCode: 'GJ',
        }), 201);
        return `/matching/requirements/${draft.id}/runs`;
      },
    },
    { name: 'match a draft lot', arrange: async () => `/matching/availabilities/${(await desk()).lots.draft}/runs` },
    {
      name: 'accept a match twice',
      arrange: async () => {
        const { requirement } = await desk();
        const run = ok(await rt.post(`/matching/requirements/${requirement.id}/runs`, {}), 201);
        ok(await rt.post(`/matches/${run.matches[0].id}/accept`, {}));
        return `/matches/${run.matches[0].id}/accept`;
      },
    },
    {
      name: 'accept a match whose requirement was cancelled',
      arrange: async () => {
        const { requirement } = await desk();
        const run = ok(await rt.post(`/matching/requirements/${requirement.id}/runs`, {}), 201);
        ok(await rt.post(`/requirements/${requirement.id}/cancel`, { reason: 'bought elsewhere' }));
        return `/matches/${run.matches[0].id}/accept`;
      },
    },
  ])('refuses to $name with 409 and writes nothing', async ({ arrange }) => {
    const url = await arrange();
    const before = await rt.rows(`SELECT id, status, updated_at FROM matches ORDER BY id`);
    const runs = await rt.count('matching_runs');
    const res = await rt.post(url, {});
    expect(res.statusCode, res.body).toBe(409);
    expect(await rt.rows(`SELECT id, status, updated_at FROM matches ORDER BY id`)).toEqual(before);
    expect(await rt.count('matching_runs')).toBe(runs);
  });
});

describe('matching reads', () => {
  it('lists matches by requirement, lot and status, and reads one', async () => {
    const { requirement, lots } = await desk();
    const run = ok(await rt.post(`/matching/requirements/${requirement.id}/runs`, {}), 201);

    const all = ok(await rt.get(`/matches?requirementId=${requirement.id}`));
    expect(all.map((m: { availabilityId: string }) => m.availabilityId)).toEqual([lots.exact, lots.nearby, lots.borderline]);
    expect(ok(await rt.get(`/matches?availabilityId=${lots.nearby}&status=proposed`))).toHaveLength(1);
    expect(ok(await rt.get(`/matches?requirementId=${requirement.id}&limit=1`))).toHaveLength(1);
    expect(ok(await rt.get(`/matches/${run.matches[1].id}`))).toMatchObject({ score: 0.7291, priceScore: 0.8214, locationScore: 0.7, runId: run.runId });
  });

  it('answers 404 for an unknown match and 400 for a malformed id or filter', async () => {
    expect((await rt.get(`/matches/${MISSING}`)).statusCode).toBe(404);
    const bad = await rt.get('/matches/42');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('matchId');
    const filter = await rt.get('/matches?status=maybe');
    expect(filter.statusCode).toBe(400);
    expect(filter.json().message).toContain('status');
  });
});

describe('matching bad input', () => {
  const snapshot = async () => [await rt.count('matches'), await rt.count('matching_runs')];

  it.each([
    `/matching/requirements/${MISSING}/runs`,
    `/matching/availabilities/${MISSING}/runs`,
    `/matches/${MISSING}/accept`,
  ])('answers 404 for %s and writes nothing', async (url) => {
    const before = await snapshot();
    const res = await rt.post(url, {});
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain(MISSING);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    { url: '/matching/requirements/not-a-uuid/runs', field: 'requirementId' },
    { url: '/matching/availabilities/12/runs', field: 'availabilityId' },
    { url: '/matches/abc/accept', field: 'matchId' },
  ])('answers 400 naming $field for $url', async ({ url, field }) => {
    const before = await snapshot();
    const res = await rt.post(url, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it('answers malformed JSON with 400 and writes nothing', async () => {
    const { requirement } = await desk();
    const before = await snapshot();
    const res = await rt.request('POST', `/matching/requirements/${requirement.id}/runs`, '{"x": ', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});

describe('matching event handlers', () => {
  const message = (eventType: string, aggregateId: string, organizationId: string): BrokerMessage => ({
    eventId: randomUUID(),
    eventType,
    aggregateType: eventType.split('.')[0]!,
    aggregateId,
    organizationId,
    payload: {},
    occurredAt: new Date().toISOString(),
  });

  it('matches on the trade desk events, ignores the rest, and reports failures without throwing', async () => {
    const broker = new InProcessBroker();
    const failures: string[] = [];
    const unsubscribe = subscribeMatching(broker, rt.database, (error, m) => failures.push(`${m.eventType}: ${(error as Error).message}`));
    try {
      const { org, requirement, lots } = await desk();

      await broker.publish(message('requirement.published', requirement.id, org));
      expect(await rt.count('matches', 'requirement_id = $1', [requirement.id])).toBe(3);

      await broker.publish(message('availability.approved', lots.exact, org));
      expect(await rt.count('matching_runs', "trigger_type = 'availability' AND trigger_id = $1", [lots.exact])).toBe(1);

      const runs = await rt.count('matching_runs');
      await broker.publish(message('partner.approved', randomUUID(), org));
      expect(await rt.count('matching_runs')).toBe(runs);

      await expect(broker.publish(message('requirement.published', MISSING, org))).resolves.toBeUndefined();
      expect(failures).toEqual([`requirement.published: requirement ${MISSING} not found`]);
      expect(await rt.count('matching_runs')).toBe(runs);
    } finally {
      unsubscribe();
      await broker.close();
    }
  });
});
