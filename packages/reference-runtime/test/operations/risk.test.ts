import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { InProcessBroker } from '../../src/core/broker/broker.js';
import { MemoryRedis } from '../../src/core/redis/client.js';
import { WebhookManager } from '../../src/core/webhooks/manager.js';
import { ConnectionManager, type WebSocketMessage } from '../../src/core/websocket/manager.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
/** The acting user: the test runtime's administrator — the actor comes from the session, never from a header. */
let ANALYST: string;
/** Its credentials, for requests sent to an app of its own (the broadcast test). */
let asAnalyst: Record<string, string> = {};

/** An ISO date `days` from today (UTC), so date-based factors do not drift with the calendar. */
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
  ANALYST = rt.admin.userId;
  asAnalyst = { authorization: `Bearer ${rt.admin.token}` };
});
afterAll(async () => rt.close());

function ok(res: LightMyRequestResponse, status = 200): Record<string, any> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

/** Every organisation, buyer and seller is fresh per case, so cases never see each other's limits or blocks. */
const party = () => ({ org: randomUUID(), buyer: randomUUID(), seller: randomUUID() });

const given = {
  creditLimit: async (org: string, partner: string, limitAmount: number) =>
    ok(await rt.put(`/risk/partners/${partner}/credit-limit`, { organizationId: org, limitAmount }, asAnalyst)),
  requirement: async (org: string, buyer: string, overrides: Record<string, unknown> = {}) =>
    ok(await rt.post('/requirements', {
      organizationId: org, buyerPartnerId: buyer, commodityCode: 'COTTON', quantity: 200, unit: 'BALES',
      maxPricePerUnit: 28000, deliveryLocation: 'Coimbatore', deliveryStateCode: 'TN', requiredBy: inDays(90), ...overrides,
    }), 201),
  availability: async (org: string, seller: string) =>
    ok(await rt.post('/availabilities', {
      organizationId: org, sellerPartnerId: seller, commodityCode: 'COTTON', quantity: 500, unit: 'BALES',
      pricePerUnit: 27500, location: 'Rajkot', stateCode: 'GJ', quality: { staple_length_mm: 29.5, micronaire: 4.1, moisture_pct: 7.5 },
    }), 201),
  /** Scores 41.08: REVIEW, close enough to the review threshold to be an edge case. */
  reviewedPartner: async (org: string, partner: string) =>
    ok(await rt.post(`/risk/partners/${partner}/assessments`, {
      organizationId: org,
      profile: { yearsInBusiness: 4, avgPaymentDelayDays: 15, defaultsLast12Months: 1, gstCompliant: true, kycVerified: false },
    }, asAnalyst), 201),
  alert: async (org: string) =>
    ok(await rt.post('/risk/alerts', { organizationId: org, severity: 'MEDIUM', message: 'GST return not filed for Q2' }, asAnalyst), 201),
  override: async (org: string, partner: string) => {
    const assessment = await given.reviewedPartner(org, partner);
    const override = ok(await rt.post(`/risk/assessments/${assessment.id}/overrides`, { reason: 'long-standing client, bank guarantee on file' }, asAnalyst), 201);
    return { assessment, override };
  },
};

const one = async (sql: string, params: unknown[]) => (await rt.rows<Record<string, any>>(sql, params))[0];

interface OperationCase {
  operation: string;
  /** Builds the request from fresh parties and returns what `effect` needs. */
  arrange: (p: ReturnType<typeof party>) => Promise<{ method: 'POST' | 'PUT'; url: string; body?: unknown; ctx?: Record<string, any> }>;
  status: number;
  effect: (p: ReturnType<typeof party>, body: Record<string, any>, ctx: Record<string, any>) => Promise<void>;
}

const operations: OperationCase[] = [
  {
    operation: 'assessRequirementRisk',
    arrange: async ({ org, buyer }) => {
      await given.creditLimit(org, buyer, 10_000_000);
      const requirement = await given.requirement(org, buyer);
      return { method: 'POST', url: `/risk/requirements/${requirement.id}/assessments`, ctx: { requirement } };
    },
    status: 201,
    effect: async ({ buyer }, body, { requirement }) => {
      // headroom 5.6M of 10M (0.56 × 0.45) + size 5.6M of 50M (0.112 × 0.25) + urgency 0 (90 days) = 28.
      expect(body).toMatchObject({ subjectType: 'requirement', subjectId: requirement.id, partnerId: buyer, score: 28, grade: 'MEDIUM', decision: 'APPROVE', edgeCase: false });
      expect(await one(`SELECT score::float8 AS score, decision, factors FROM risk_assessments WHERE subject_id = $1`, [requirement.id]))
        .toMatchObject({ score: 28, decision: 'APPROVE', factors: { blockers: [] } });
    },
  },
  {
    operation: 'assessAvailabilityRisk',
    arrange: async ({ org, seller }) => {
      const availability = await given.availability(org, seller);
      return { method: 'POST', url: `/risk/availabilities/${availability.id}/assessments`, ctx: { availability } };
    },
    status: 201,
    effect: async (_, body, { availability }) => {
      // quality disclosed (0 × 0.3) + unscored seller (0.5 × 0.4) + lot 13.75M of 50M (0.275 × 0.3) = 28.25.
      expect(body).toMatchObject({ subjectType: 'availability', score: 28.25, grade: 'MEDIUM', decision: 'APPROVE' });
      expect(await rt.count('risk_assessments', 'subject_id = $1', [availability.id])).toBe(1);
    },
  },
  {
    operation: 'assessPartnerRisk',
    arrange: async ({ org, buyer }) => ({
      method: 'POST',
      url: `/risk/partners/${buyer}/assessments`,
      body: { organizationId: org, profile: { yearsInBusiness: 4, avgPaymentDelayDays: 15, defaultsLast12Months: 1, gstCompliant: true, kycVerified: false } },
    }),
    status: 201,
    effect: async ({ buyer }, body) => {
      expect(body).toMatchObject({ subjectType: 'partner', subjectId: buyer, score: 41.08, grade: 'MEDIUM', decision: 'REVIEW', edgeCase: true });
      expect(body.factors.factors.map((f: { name: string }) => f.name)).toEqual(['track_record', 'payment_behaviour', 'defaults', 'compliance', 'credit_utilization']);
      expect(await one(`SELECT edge_case, status FROM risk_assessments WHERE id = $1`, [body.id])).toEqual({ edge_case: true, status: 'active' });
    },
  },
  {
    operation: 'assessTradeRisk',
    arrange: async ({ org, buyer, seller }) => {
      await given.creditLimit(org, buyer, 10_000_000);
      return {
        method: 'POST',
        url: '/risk/trades/assessments',
        body: { organizationId: org, buyerPartnerId: buyer, sellerPartnerId: seller, commodityCode: 'cotton', quantity: 100, unit: 'MT', pricePerUnit: 60000, referencePricePerUnit: 58000 },
      };
    },
    status: 201,
    effect: async ({ org }, body) => {
      expect(body).toMatchObject({ subjectType: 'trade', score: 34.83, decision: 'APPROVE', edgeCase: false });
      expect(await rt.count('risk_assessments', "organization_id = $1 AND subject_type = 'trade'", [org])).toBe(1);
      expect(await rt.count('risk_alerts', 'organization_id = $1', [org])).toBe(0);
    },
  },
  {
    operation: 'setCreditLimit',
    arrange: async ({ org, buyer }) => ({
      method: 'PUT',
      url: `/risk/partners/${buyer}/credit-limit`,
      body: { organizationId: org, limitAmount: 5_000_000, validUntil: inDays(365) },
    }),
    status: 200,
    effect: async ({ org, buyer }, body) => {
      expect(body).toMatchObject({ limitAmount: 5_000_000, utilizedAmount: 0, availableAmount: 5_000_000, basis: 'manual', setBy: ANALYST });
      expect(await one(`SELECT limit_amount::float8 AS l FROM credit_limits WHERE organization_id = $1 AND partner_id = $2`, [org, buyer])).toEqual({ l: 5_000_000 });
      expect(await rt.count('credit_ledger', "credit_limit_id = $1 AND entry_type = 'limit_set'", [body.id])).toBe(1);
    },
  },
  {
    operation: 'updateCreditUtilization',
    arrange: async ({ org, buyer }) => {
      await given.creditLimit(org, buyer, 1_000_000);
      return { method: 'POST', url: `/risk/partners/${buyer}/credit-limit/utilization`, body: { organizationId: org, amount: 500_000, reference: 'INV-2025-118' } };
    },
    status: 200,
    effect: async ({ org }, body) => {
      expect(body).toMatchObject({ utilizedAmount: 500_000, availableAmount: 500_000 });
      expect(await one(`SELECT entry_type, amount::float8 AS amount, utilized_after::float8 AS after FROM credit_ledger WHERE credit_limit_id = $1 ORDER BY id DESC LIMIT 1`, [body.id]))
        .toEqual({ entry_type: 'utilization', amount: 500_000, after: 500_000 });
      expect(await rt.count('risk_alerts', 'organization_id = $1', [org])).toBe(0);
    },
  },
  {
    operation: 'raiseAlert',
    arrange: async ({ org, seller }) => ({
      method: 'POST',
      url: '/risk/alerts',
      body: { organizationId: org, partnerId: seller, subjectType: 'partner', subjectId: seller, severity: 'HIGH', message: 'cheque bounced twice this month' },
    }),
    status: 201,
    effect: async (_, body) => {
      expect(await one(`SELECT alert_type, severity, status, raised_by::text AS raised_by FROM risk_alerts WHERE id = $1`, [body.id]))
        .toEqual({ alert_type: 'MANUAL', severity: 'HIGH', status: 'open', raised_by: ANALYST });
    },
  },
  {
    operation: 'resolveAlert',
    arrange: async ({ org }) => {
      const alert = await given.alert(org);
      return { method: 'POST', url: `/risk/alerts/${alert.id}/resolve`, body: { note: 'return filed, acknowledgement on file' } };
    },
    status: 200,
    effect: async (_, body) => {
      const row = await one(`SELECT status, resolution_note, resolved_at FROM risk_alerts WHERE id = $1`, [body.id]);
      expect(row).toMatchObject({ status: 'resolved', resolution_note: 'return filed, acknowledgement on file' });
      expect(row!.resolved_at).not.toBeNull();
    },
  },
  {
    operation: 'createOverride',
    arrange: async ({ org, buyer }) => {
      const assessment = await given.reviewedPartner(org, buyer);
      return { method: 'POST', url: `/risk/assessments/${assessment.id}/overrides`, body: { reason: 'director approval', expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }, ctx: { assessment } };
    },
    status: 201,
    effect: async (_, body, { assessment }) => {
      expect(body).toMatchObject({ assessmentId: assessment.id, status: 'active', approvedBy: ANALYST });
      expect(await rt.count('risk_overrides', "assessment_id = $1 AND status = 'active'", [assessment.id])).toBe(1);
      expect(await one(`SELECT status FROM risk_assessments WHERE id = $1`, [assessment.id])).toEqual({ status: 'overridden' });
    },
  },
  {
    operation: 'revokeOverride',
    arrange: async ({ org, buyer }) => {
      const { assessment, override } = await given.override(org, buyer);
      return { method: 'POST', url: `/risk/overrides/${override.id}/revoke`, body: { reason: 'guarantee expired' }, ctx: { assessment } };
    },
    status: 200,
    effect: async (_, body, { assessment }) => {
      expect(await one(`SELECT status, revoke_reason FROM risk_overrides WHERE id = $1`, [body.id])).toEqual({ status: 'revoked', revoke_reason: 'guarantee expired' });
      expect(await one(`SELECT status FROM risk_assessments WHERE id = $1`, [assessment.id])).toEqual({ status: 'active' });
    },
  },
  {
    operation: 'recordRiskScore',
    arrange: async ({ org, seller }) => ({
      method: 'POST',
      url: `/risk/partners/${seller}/scores`,
      body: {
        organizationId: org,
        modelVersion: 'bureau-2025.11',
        factors: [
          { name: 'bureau_rating', value: 0.2, weight: 2 },
          { name: 'litigation', value: 0, weight: 1 },
          { name: 'sector_stress', value: 0.9, weight: 1 },
        ],
      },
    }),
    status: 201,
    effect: async (_, body) => {
      // (0.2 × 2 + 0 + 0.9 × 1) / 4 = 32.5
      expect(body).toMatchObject({ score: 32.5, grade: 'MEDIUM', modelVersion: 'bureau-2025.11' });
      expect(await rt.rows(`SELECT factor, contribution::float8 AS c FROM partner_risk_score_factors WHERE risk_score_id = $1 ORDER BY id`, [body.id]))
        .toEqual([{ factor: 'bureau_rating', c: 10 }, { factor: 'litigation', c: 0 }, { factor: 'sector_stress', c: 22.5 }]);
    },
  },
  {
    operation: 'blockPartner',
    arrange: async ({ org, seller }) => ({ method: 'POST', url: `/risk/partners/${seller}/blocks`, body: { organizationId: org, reason: 'delivered adulterated lot' } }),
    status: 201,
    effect: async ({ org, seller }) => {
      expect(await rt.count('partner_blocks', 'organization_id = $1 AND partner_id = $2 AND lifted_at IS NULL', [org, seller])).toBe(1);
      expect(await one(`SELECT alert_type, severity FROM risk_alerts WHERE organization_id = $1 AND partner_id = $2`, [org, seller]))
        .toEqual({ alert_type: 'PARTNER_BLOCKED', severity: 'CRITICAL' });
    },
  },
];

describe('risk operations', () => {
  it.each(operations)('RiskService.$operation answers $status and writes its rows', async (c) => {
    const p = party();
    const { method, url, body, ctx } = await c.arrange(p);
    const res = await rt.request(method, url, body ?? {}, asAnalyst);
    await c.effect(p, ok(res, c.status), ctx ?? {});
  });
});

describe('risk rules', () => {
  it('rejects a trade with a blocked seller whatever the score, and alerts credit control', async () => {
    const { org, buyer, seller } = party();
    await given.creditLimit(org, buyer, 50_000_000);
    ok(await rt.post(`/risk/partners/${seller}/blocks`, { organizationId: org, reason: 'fraud investigation' }), 201);

    const body = ok(await rt.post('/risk/trades/assessments', {
      organizationId: org, buyerPartnerId: buyer, sellerPartnerId: seller, commodityCode: 'WHEAT', quantity: 10, unit: 'MT', pricePerUnit: 25000,
    }), 201);

    expect(body).toMatchObject({ decision: 'REJECT', edgeCase: false, factors: { blockers: ['seller blocked: fraud investigation'] } });
    expect(await rt.count('risk_alerts', "organization_id = $1 AND alert_type = 'HIGH_RISK' AND subject_type = 'trade'", [org])).toBe(1);
  });

  it('rejects a trade the buyer cannot pay for', async () => {
    const { org, buyer, seller } = party();
    await given.creditLimit(org, buyer, 1_000_000);
    const body = ok(await rt.post('/risk/trades/assessments', {
      organizationId: org, buyerPartnerId: buyer, sellerPartnerId: seller, commodityCode: 'WHEAT', quantity: 100, unit: 'MT', pricePerUnit: 25000,
    }), 201);
    expect(body.decision).toBe('REJECT');
    expect(body.factors.blockers[0]).toContain('exceeds the buyer');
  });

  it('recommends a limit from financials when none is given', async () => {
    const { org, buyer } = party();
    const body = ok(await rt.put(`/risk/partners/${buyer}/credit-limit`, {
      organizationId: org,
      financials: { annualTurnover: 200_000_000, netWorth: 30_000_000, yearsInBusiness: 8, avgPaymentDelayDays: 10, defaultsLast12Months: 0 },
    }));
    // 10% of turnover (20M) capped at half the net worth (15M), at full multiplier for a risk score of 11.03.
    expect(body).toMatchObject({ limitAmount: 15_000_000, basis: 'assessed', assessment: { riskScore: 11.03, multiplier: 1 } });
    expect(await one(`SELECT basis, limit_amount::float8 AS l FROM credit_limits WHERE id = $1`, [body.id])).toEqual({ basis: 'assessed', l: 15_000_000 });
  });

  it('warns once when utilisation crosses 80% and refuses a draw past the limit without touching the ledger', async () => {
    const { org, buyer } = party();
    const limit = await given.creditLimit(org, buyer, 1_000_000);
    const draw = (amount: number) => rt.post(`/risk/partners/${buyer}/credit-limit/utilization`, { organizationId: org, amount, reference: `INV-${amount}` });

    ok(await draw(700_000));
    ok(await draw(150_000));
    ok(await draw(50_000));
    expect(await rt.count('risk_alerts', "organization_id = $1 AND alert_type = 'CREDIT_LIMIT_WARNING'", [org])).toBe(1);

    const ledger = await rt.count('credit_ledger', 'credit_limit_id = $1', [limit.id]);
    const refused = await draw(100_001);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain('available credit 100000');
    expect(await rt.count('credit_ledger', 'credit_limit_id = $1', [limit.id])).toBe(ledger);
    expect(await one(`SELECT utilized_amount::float8 AS u FROM credit_limits WHERE id = $1`, [limit.id])).toEqual({ u: 900_000 });

    const released = ok(await draw(-900_000));
    expect(released).toMatchObject({ utilizedAmount: 0 });
    expect((await draw(-1)).statusCode).toBe(409);
    expect((await draw(0)).statusCode).toBe(400);
  });

  it('refuses to lower a limit below what is already utilised', async () => {
    const { org, buyer } = party();
    await given.creditLimit(org, buyer, 1_000_000);
    ok(await rt.post(`/risk/partners/${buyer}/credit-limit/utilization`, { organizationId: org, amount: 400_000, reference: 'INV-1' }));
    const res = await rt.put(`/risk/partners/${buyer}/credit-limit`, { organizationId: org, limitAmount: 300_000 });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('limitAmount 300000');
    expect(await one(`SELECT limit_amount::float8 AS l FROM credit_limits WHERE organization_id = $1 AND partner_id = $2`, [org, buyer])).toEqual({ l: 1_000_000 });
  });

  it.each([
    {
      name: 'resolve an alert twice',
      arrange: async ({ org }: ReturnType<typeof party>) => {
        const alert = await given.alert(org);
        ok(await rt.post(`/risk/alerts/${alert.id}/resolve`, { note: 'done' }));
        return { url: `/risk/alerts/${alert.id}/resolve`, body: { note: 'again' }, headers: asAnalyst };
      },
      status: 409,
      table: 'risk_alerts',
    },
    {
      name: 'override an approved assessment',
      arrange: async ({ org, seller }: ReturnType<typeof party>) => {
        const approved = ok(await rt.post(`/risk/availabilities/${(await given.availability(org, seller)).id}/assessments`, {}), 201);
        return { url: `/risk/assessments/${approved.id}/overrides`, body: { reason: 'why not' }, headers: asAnalyst };
      },
      status: 409,
      table: 'risk_overrides',
    },
    {
      // The approver is the signed-in user: without a session there is no one to name, and no override.
      name: 'override without a session',
      arrange: async ({ org, buyer }: ReturnType<typeof party>) => {
        const reviewed = await given.reviewedPartner(org, buyer);
        return { url: `/risk/assessments/${reviewed.id}/overrides`, body: { reason: 'trust me' }, headers: { authorization: '' } };
      },
      status: 401,
      table: 'risk_overrides',
    },
    {
      name: 'override an assessment twice',
      arrange: async ({ org, buyer }: ReturnType<typeof party>) => {
        const { assessment } = await given.override(org, buyer);
        return { url: `/risk/assessments/${assessment.id}/overrides`, body: { reason: 'second opinion' }, headers: asAnalyst };
      },
      status: 409,
      table: 'risk_overrides',
    },
    {
      name: 'revoke an override twice',
      arrange: async ({ org, buyer }: ReturnType<typeof party>) => {
        const { override } = await given.override(org, buyer);
        ok(await rt.post(`/risk/overrides/${override.id}/revoke`, {}));
        return { url: `/risk/overrides/${override.id}/revoke`, body: {}, headers: asAnalyst };
      },
      status: 409,
      table: 'risk_overrides',
    },
    {
      name: 'block a partner twice',
      arrange: async ({ org, seller }: ReturnType<typeof party>) => {
        ok(await rt.post(`/risk/partners/${seller}/blocks`, { organizationId: org, reason: 'first' }), 201);
        return { url: `/risk/partners/${seller}/blocks`, body: { organizationId: org, reason: 'second' }, headers: asAnalyst };
      },
      status: 409,
      table: 'partner_blocks',
    },
    {
      name: 'record a score with a repeated factor',
      arrange: async ({ org, seller }: ReturnType<typeof party>) => ({
        url: `/risk/partners/${seller}/scores`,
        body: { organizationId: org, modelVersion: 'v1', factors: [{ name: 'a', value: 0.1, weight: 1 }, { name: 'a', value: 0.2, weight: 1 }] },
        headers: asAnalyst,
      }),
      status: 400,
      table: 'partner_risk_scores',
    },
    {
      name: 'assess a cancelled requirement',
      arrange: async ({ org, buyer }: ReturnType<typeof party>) => {
        const requirement = await given.requirement(org, buyer);
        ok(await rt.post(`/requirements/${requirement.id}/cancel`, { reason: 'duplicate' }));
        return { url: `/risk/requirements/${requirement.id}/assessments`, body: {}, headers: asAnalyst };
      },
      status: 409,
      table: 'risk_assessments',
    },
  ])('refuses to $name and writes nothing', async ({ arrange, status, table }) => {
    const { url, body, headers } = await arrange(party());
    const [before, alerts] = [await rt.count(table), await rt.count('risk_alerts')];
    const res = await rt.post(url, body, headers);
    expect(res.statusCode, res.body).toBe(status);
    expect(await rt.count(table)).toBe(before);
    expect(await rt.count('risk_alerts')).toBe(alerts);
  });
});

describe('risk reads', () => {
  it('lists and reads what the operations wrote', async () => {
    const { org, buyer, seller } = party();
    await given.creditLimit(org, buyer, 2_000_000);
    ok(await rt.post(`/risk/partners/${buyer}/credit-limit/utilization`, { organizationId: org, amount: 250_000, reference: 'INV-9' }));
    // Another partner: the buyer's low utilisation would make its assessment an APPROVE, with nothing to override.
    const reviewed = randomUUID();
    const { assessment, override } = await given.override(org, reviewed);
    const alert = await given.alert(org);
    ok(await rt.post(`/risk/partners/${seller}/scores`, { organizationId: org, modelVersion: 'v2', factors: [{ name: 'bureau_rating', value: 0.4, weight: 1 }] }), 201);
    ok(await rt.post(`/risk/partners/${seller}/blocks`, { organizationId: org, reason: 'under investigation' }), 201);

    const limit = ok(await rt.get(`/risk/partners/${buyer}/credit-limit?organizationId=${org}`));
    expect(limit).toMatchObject({ limitAmount: 2_000_000, utilizedAmount: 250_000 });
    expect(limit.ledger.map((e: { entryType: string }) => e.entryType)).toEqual(['limit_set', 'utilization']);

    expect(ok(await rt.get(`/risk/assessments/${assessment.id}`))).toMatchObject({ status: 'overridden', overrides: [{ id: override.id }] });
    expect(ok(await rt.get(`/risk/assessments?partnerId=${reviewed}&subjectType=partner`)).map((a: { id: string }) => a.id)).toEqual([assessment.id]);
    expect(ok(await rt.get(`/risk/overrides/${override.id}`))).toMatchObject({ assessmentId: assessment.id, status: 'active' });

    const open = ok(await rt.get(`/risk/alerts?organizationId=${org}&status=open`));
    expect(open.map((a: { alertType: string }) => a.alertType).sort()).toEqual(['MANUAL', 'PARTNER_BLOCKED']);
    expect(ok(await rt.get(`/risk/alerts/${alert.id}`))).toMatchObject({ message: 'GST return not filed for Q2' });

    expect(ok(await rt.get(`/risk/partners/${seller}/scores?organizationId=${org}`))).toEqual([
      expect.objectContaining({ score: 40, factors: [{ factor: 'bureau_rating', value: 0.4, weight: 1, contribution: 40 }] }),
    ]);
    expect(ok(await rt.get(`/risk/partners/${seller}/blocks?organizationId=${org}`))).toEqual([expect.objectContaining({ reason: 'under investigation', liftedAt: null })]);
  });

  it.each([
    `/risk/assessments/${MISSING}`,
    `/risk/alerts/${MISSING}`,
    `/risk/overrides/${MISSING}`,
    `/risk/partners/${MISSING}/credit-limit?organizationId=${MISSING}`,
  ])('answers 404 for %s', async (url) => {
    const res = await rt.get(url);
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain(MISSING);
  });

  it('answers 400 naming organizationId when a partner read lacks it', async () => {
    const res = await rt.get(`/risk/partners/${MISSING}/scores`);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('organizationId');
  });
});

describe('risk bad input', () => {
  const tables = ['risk_assessments', 'credit_limits', 'credit_ledger', 'risk_alerts', 'risk_overrides', 'partner_risk_scores', 'partner_risk_score_factors', 'partner_blocks'];
  const snapshot = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await rt.count(t)])));

  it.each([
    { method: 'POST', url: '/risk/alerts' },
    { method: 'POST', url: `/risk/partners/${MISSING}/scores` },
    { method: 'PUT', url: `/risk/partners/${MISSING}/credit-limit` },
  ])('answers malformed JSON on $method $url with 400 and writes nothing', async ({ method, url }) => {
    const before = await snapshot();
    const res = await rt.request(method, url, '{"organizationId": "', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  const org = randomUUID();
  it.each([
    { method: 'POST', url: '/risk/alerts', body: { organizationId: org, message: 'x' }, field: 'severity' },
    { method: 'POST', url: '/risk/alerts', body: { organizationId: org, severity: 'SEVERE', message: 'x' }, field: 'severity' },
    { method: 'POST', url: `/risk/partners/${MISSING}/assessments`, body: { organizationId: org, profile: { yearsInBusiness: 3 } }, field: 'avgPaymentDelayDays' },
    { method: 'POST', url: '/risk/trades/assessments', body: { organizationId: org, buyerPartnerId: MISSING, commodityCode: 'RICE', quantity: 1, unit: 'MT', pricePerUnit: 1 }, field: 'sellerPartnerId' },
    { method: 'POST', url: '/risk/trades/assessments', body: { organizationId: org, buyerPartnerId: MISSING, sellerPartnerId: MISSING, commodityCode: 'RICE', quantity: 1, unit: 'MT', pricePerUnit: 1 }, field: 'sellerPartnerId' },
    { method: 'PUT', url: `/risk/partners/${MISSING}/credit-limit`, body: { organizationId: org }, field: 'limitAmount' },
    { method: 'PUT', url: `/risk/partners/${MISSING}/credit-limit`, body: { organizationId: org, limitAmount: -1 }, field: 'limitAmount' },
    { method: 'POST', url: `/risk/partners/${MISSING}/credit-limit/utilization`, body: { organizationId: org, amount: 'lots', reference: 'x' }, field: 'amount' },
    { method: 'POST', url: `/risk/partners/${MISSING}/scores`, body: { organizationId: org, modelVersion: 'v1', factors: [] }, field: 'factors' },
    { method: 'POST', url: `/risk/partners/${MISSING}/scores`, body: { organizationId: org, modelVersion: 'v1', factors: [{ name: 'x', value: 2, weight: 1 }] }, field: 'value' },
    { method: 'POST', url: `/risk/partners/${MISSING}/blocks`, body: { organizationId: org }, field: 'reason' },
    { method: 'POST', url: `/risk/partners/not-a-uuid/blocks`, body: { organizationId: org, reason: 'x' }, field: 'partnerId' },
    { method: 'POST', url: `/risk/alerts/${MISSING}/resolve`, body: {}, field: 'note' },
  ])('answers 400 naming $field for $method $url', async ({ method, url, body, field }) => {
    const before = await snapshot();
    const res = await rt.request(method, url, body, asAnalyst);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    { url: `/risk/requirements/${MISSING}/assessments`, body: {} },
    { url: `/risk/availabilities/${MISSING}/assessments`, body: {} },
    { url: `/risk/partners/${MISSING}/credit-limit/utilization`, body: { organizationId: org, amount: 10, reference: 'INV' } },
    { url: `/risk/alerts/${MISSING}/resolve`, body: { note: 'n/a' } },
    { url: `/risk/assessments/${MISSING}/overrides`, body: { reason: 'n/a' } },
    { url: `/risk/overrides/${MISSING}/revoke`, body: {} },
  ])('answers 404 for $url and writes nothing', async ({ url, body }) => {
    const before = await snapshot();
    const res = await rt.post(url, body, asAnalyst);
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().message).toContain(MISSING);
    expect(await snapshot()).toEqual(before);
  });
});

describe('risk alerts over WebSocket', () => {
  class RecordingConnectionManager extends ConnectionManager {
    readonly sent: { organizationId: string; message: WebSocketMessage }[] = [];
    override async broadcastToOrganization(organizationId: string, message: WebSocketMessage): Promise<void> {
      this.sent.push({ organizationId, message });
    }
  }

  it('broadcasts committed alerts to their organisation, and nothing for a refused request', async () => {
    const ws = new RecordingConnectionManager();
    const app = await buildApp({ database: rt.database, redis: new MemoryRedis(), broker: new InProcessBroker(), ws, webhooks: new WebhookManager() });
    try {
      const { org, buyer } = party();
      const inject = (url: string, payload: object) =>
        app.inject({ method: 'POST', url, payload, headers: { ...asAnalyst, 'idempotency-key': randomUUID() } });

      const manual = ok(await inject('/risk/alerts', { organizationId: org, severity: 'LOW', message: 'KYC renewal due' }), 201);
      // No credit limit, needed in 3 days: 77.8, CRITICAL.
      const requirement = await given.requirement(org, buyer, { requiredBy: inDays(3) });
      const assessed = ok(await inject(`/risk/requirements/${requirement.id}/assessments`, {}), 201);
      expect(assessed).toMatchObject({ grade: 'CRITICAL', decision: 'REJECT' });
      expect((await inject(`/risk/alerts/${MISSING}/resolve`, { note: 'x' })).statusCode).toBe(404);
      ok(await inject(`/risk/alerts/${manual.id}/resolve`, { note: 'renewed' }));

      expect(ws.sent.map(({ organizationId, message }) => [organizationId, message.type, (message.data as { kind: string }).kind])).toEqual([
        [org, 'NOTIFICATION', 'risk_alert'],
        [org, 'REQUIREMENT_RISK_ALERT', 'risk_alert'],
        [org, 'NOTIFICATION', 'risk_alert_resolved'],
      ]);
      expect(ws.sent[1]!.message.data).toMatchObject({ alert: { alertType: 'HIGH_RISK', subjectId: requirement.id, severity: 'CRITICAL' } });
    } finally {
      await app.close();
    }
  });
});
