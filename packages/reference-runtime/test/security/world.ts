import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Account, Client, RouteInfo, TestRuntime } from '../support/runtime.js';
import { exampleOf, primaryType, withValue, type JsonSchema } from '../support/examples.js';

/**
 * The world the attacker tests play in, made through HTTP: organisation A with one of everything a route can name
 * (partners, an availability, a requirement, a match, risk records, branches, a document series, a webhook
 * subscription and delivery, ...), its administrator and a viewer; organisation B with its administrator — the
 * attacker from next door.
 */
export interface World {
  orgA: string;
  orgB: string;
  adminA: Account;
  viewerA: Account;
  adminB: Account;
  /** Organisation A's rows, by the path parameter (or body field) that names them. */
  a: Record<string, string>;
  /** Every id of organisation A the world made: what must never show up in another organisation's answers. */
  idsOfA: string[];
}

let serial = 0;
const pan = () => `AAAC${String.fromCharCode(65 + (serial % 26))}${String(1000 + serial++).slice(-4)}Q`;

function created(res: LightMyRequestResponse, what: string): Record<string, any> {
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${what} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

export async function buildWorld(rt: TestRuntime): Promise<World> {
  const orgA = await rt.organization('Organisation A');
  const orgB = await rt.organization('Organisation B');
  const adminA = await rt.account({ organizationId: orgA, roles: ['admin'] });
  const viewerA = await rt.account({ organizationId: orgA, roles: ['viewer'] });
  const adminB = await rt.account({ organizationId: orgB, roles: ['admin'] });
  const asA: Client = rt.as(adminA.token);

  const partner = async (partnerType: string) =>
    created(await asA.post('/partners', { partnerType, legalName: `${partnerType} of A`, pan: pan() }), 'POST /partners').id as string;
  const seller = await partner('seller');
  const buyer = await partner('buyer');
  for (const id of [seller, buyer]) created(await asA.post(`/partners/${id}/approve`, {}), 'approve partner');

  const availability = created(
    await asA.post('/availabilities', {
      sellerPartnerId: seller, commodityCode: 'COTTON', quantity: 500, unit: 'BALES', pricePerUnit: 27500,
      location: 'Rajkot', stateCode: 'GJ', quality: { staple_length_mm: 29.5 },
    }),
    'POST /availabilities',
  ).id as string;
  created(await asA.post(`/availabilities/${availability}/approve`, {}), 'approve availability');
  const requirement = created(
    await asA.post('/requirements', {
      buyerPartnerId: buyer, commodityCode: 'COTTON', quantity: 200, unit: 'BALES', maxPricePerUnit: 28000,
      deliveryLocation: 'Coimbatore', deliveryStateCode: 'TN', requiredBy: '2027-02-15',
    }),
    'POST /requirements',
  ).id as string;
  created(await asA.post(`/requirements/${requirement}/publish`, {}), 'publish requirement');
  created(await asA.post(`/matching/requirements/${requirement}/runs`, {}), 'matching run');
  const [match] = created(await asA.get(`/matches?requirementId=${requirement}`), 'GET /matches') as unknown as { id: string }[];
  if (!match) throw new Error('the matching run made no match for organisation A');

  const assessment = created(
    await asA.post(`/risk/partners/${buyer}/assessments`, {
      organizationId: orgA,
      profile: { yearsInBusiness: 4, avgPaymentDelayDays: 15, defaultsLast12Months: 1, gstCompliant: true, kycVerified: false },
    }),
    'partner risk assessment',
  ).id as string;
  const override = created(await asA.post(`/risk/assessments/${assessment}/overrides`, { reason: 'bank guarantee on file' }), 'override').id as string;
  const alert = created(await asA.post('/risk/alerts', { severity: 'MEDIUM', message: 'GST return not filed' }), 'alert').id as string;

  const under = (collection: string, body: unknown) => asA.post(`/organizations/${orgA}/${collection}`, body);
  const branch = created(await under('branches', { code: 'RJT', name: 'Rajkot', city: 'Rajkot', stateCode: '24' }), 'branch').id as string;
  const account = created(
    await under('bank-accounts', { accountHolder: 'Organisation A', bankName: 'SBI', accountNumber: '301200000001', ifsc: 'SBIN0001234' }),
    'bank account',
  ).id as string;
  const year = created(await under('financial-years', { startYear: 2026 }), 'financial year').id as string;
  const series = created(await under('document-series', { documentType: 'sales_contract', financialYearId: year }), 'series').id as string;
  const contact = created(await under('contacts', { name: 'Ramesh Patel', phone: '9825012345' }), 'contact').id as string;
  const [gst] = await rt.rows<{ id: string }>(
    `INSERT INTO organization_gst_registrations (organization_id, gstin, state_code, effective_from)
     VALUES ($1, '24AAACA1234A1Z5', '24', '2020-04-01') RETURNING id`,
    [orgA],
  );

  const subscription = created(
    await asA.post('/webhooks/subscriptions', { url: 'https://erp.a.example.com/hooks', eventTypes: ['*'] }),
    'webhook subscription',
  ).id as string;
  const [delivery] = await rt.deps.webhooks.enqueueEvent({
    eventId: randomUUID(),
    eventType: 'partners.partner_approved',
    organizationId: orgA,
    payload: { partnerId: seller },
    occurredAt: new Date().toISOString(),
  });

  const [role] = await rt.rows<{ id: string }>("SELECT id FROM roles WHERE name = 'trader'");
  const [permission] = await rt.rows<{ id: string }>("SELECT id FROM permissions WHERE code = 'partners.read'");

  const a: Record<string, string> = {
    organizationId: orgA,
    partnerId: seller,
    sellerPartnerId: seller,
    buyerPartnerId: buyer,
    availabilityId: availability,
    requirementId: requirement,
    matchId: match.id,
    assessmentId: assessment,
    overrideId: override,
    alertId: alert,
    branchId: branch,
    accountId: account,
    gstId: gst!.id,
    yearId: year,
    financialYearId: year,
    seriesId: series,
    contactId: contact,
    subscriptionId: subscription,
    deliveryId: delivery!.id,
    userId: viewerA.userId,
    roleId: role!.id,
    permissionId: permission!.id,
  };
  return { orgA, orgB, adminA, viewerA, adminB, a, idsOfA: [...new Set(Object.values(a).filter((id) => id !== role!.id && id !== permission!.id))] };
}

/** Path parameters that name shared data (masters, the role catalogue): any id does, they belong to no organisation. */
const SHARED_ID_PARAMS = new Set(['varietyId', 'parameterId', 'roleId', 'permissionId']);

/**
 * The id a route's path parameter takes in organisation A: `:id` by the collection it follows, the others by name.
 * Undefined for a parameter the world has nothing for — the tests fail on that, so a new kind of parameter is noticed.
 */
export function idOfA(world: World, route: RouteInfo, param: string): string | undefined {
  if (param === 'id') {
    if (route.url.startsWith('/organizations/')) return world.orgA;
    if (route.url.startsWith('/webhooks/subscriptions/')) return world.a.subscriptionId;
    if (route.url.startsWith('/webhooks/deliveries/')) return world.a.deliveryId;
    return randomUUID(); // a master record: shared, owned by no organisation
  }
  if (SHARED_ID_PARAMS.has(param)) return world.a[param] ?? randomUUID();
  return world.a[param];
}

export const paramsOf = (url: string): string[] => [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);

/** The route's URL with organisation A's ids in it (or `ids` where given). */
export function urlFor(world: World, route: RouteInfo, ids: Record<string, string> = {}): string {
  return route.url.replace(/:([A-Za-z]+)/g, (_, param: string) => ids[param] ?? idOfA(world, route, param) ?? randomUUID());
}

/** Body fields that name a row, and organisation A's row for each (`subjectId` goes with `subjectType: 'partner'`). */
const REFERENCE_FIELDS: Record<string, keyof World['a']> = {
  organizationId: 'organizationId',
  partnerId: 'partnerId',
  sellerPartnerId: 'sellerPartnerId',
  buyerPartnerId: 'buyerPartnerId',
  requirementId: 'requirementId',
  availabilityId: 'availabilityId',
  subjectId: 'partnerId',
  branchId: 'branchId',
  financialYearId: 'financialYearId',
};

/**
 * A body the route's schema accepts, aimed at organisation A: a valid example with every field that names an
 * organisation or one of its rows set to A's. Without authorisation the app would act on A with it.
 */
export function bodyAimedAtA(world: World, route: RouteInfo): unknown {
  const schema = route.schema.body;
  if (!schema) return route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
  let body = exampleOf(schema);
  if (primaryType(schema) !== 'object') return body;
  for (const [field, key] of Object.entries(REFERENCE_FIELDS)) {
    const property = schema.properties?.[field];
    if (!property) continue;
    body = withValue(body, [field], world.a[key], schema);
    if (field === 'subjectId' && schema.properties?.subjectType) body = withValue(body, ['subjectType'], 'partner', schema);
  }
  return body;
}

/** Does the route name anything of organisation A when aimed at it: a path parameter, a reference field, a query filter? */
export function aimable(route: RouteInfo): boolean {
  const bodyFields = Object.keys((route.schema.body as JsonSchema | undefined)?.properties ?? {});
  const queryFields = Object.keys((route.schema.querystring as JsonSchema | undefined)?.properties ?? {});
  return paramsOf(route.url).length > 0 || bodyFields.some((f) => f in REFERENCE_FIELDS) || queryFields.includes('organizationId');
}

/** `?organizationId=<A>` for routes that filter by organisation. */
export function queryAimedAtA(world: World, route: RouteInfo): string {
  const fields = Object.keys((route.schema.querystring as JsonSchema | undefined)?.properties ?? {});
  return fields.includes('organizationId') ? `?organizationId=${world.orgA}` : '';
}

export const isMutating = (route: RouteInfo): boolean => route.method !== 'GET';
export const key = (route: RouteInfo): string => `${route.method} ${route.url}`;
