/**
 * Who may call each route, in one table. Every route the app registers must have an entry here (or a `config.policy`
 * of its own): the app refuses to start otherwise, so a new route cannot slip in unprotected.
 *
 * Access kinds:
 *   - `public`   — no token: health, login, token refresh, password reset, phone sign-up and its OTP.
 *   - `setup`    — the first-run seed: with the start-up setup token while no administrator exists; afterwards an
 *                  administrator of no organisation may re-run the role and permission seeds, and the admin seed is closed.
 *   - `any`      — any signed-in user (their own account, shared reference data), holding `permission` if one is named.
 *   - `platform` — users of no organisation holding `permission`: the shared master data, the role catalogue, the
 *                  organisations themselves. A member of an organisation cannot change what every tenant shares.
 *   - `member`   — the caller's own organisation, which the handler takes from the session (webhooks).
 *   - `tenant`   — data owned by an organisation. The organisation is found from `sources` (a path parameter that is an
 *                  organisation id, the owner of a row a parameter or a body field names, an `organizationId` in the body
 *                  or the query string), and every one found must be the caller's. A member who leaves
 *                  `organizationId` out gets their own filled in. Administrators of no organisation may act in every
 *                  organisation; other users of no organisation in none. `self` names a user-id parameter that lets a
 *                  user read their own record without the permission.
 */

/** Tables whose rows belong to an organisation (`organization_id`), by the id a route names them with. */
export type OwnedTable =
  | 'partners'
  | 'availabilities'
  | 'requirements'
  | 'risk_assessments'
  | 'risk_alerts'
  | 'risk_overrides'
  | 'matches'
  | 'document_series'
  | 'users';

export type TenantSource =
  /** The path parameter is the organisation's id (`/organizations/:id/...`). */
  | { kind: 'organizationParam'; param: string }
  /** The path parameter is the id of a row of `table`, which belongs to an organisation. */
  | { kind: 'param'; param: string; table: OwnedTable; what: string }
  /** A body field naming the organisation the new data is for. */
  | { kind: 'bodyOrganization'; field: string }
  /** A query-string filter naming the organisation to list. */
  | { kind: 'queryOrganization'; field: string }
  /** A body field naming another row the request uses (a seller partner, a requirement to reserve for, ...). */
  | { kind: 'bodyRef'; field: string; table: OwnedTable | ((body: Record<string, unknown>) => OwnedTable | undefined); what: string };

export type RoutePolicy =
  | { access: 'public' }
  | { access: 'setup' }
  | { access: 'any'; permission?: string }
  | { access: 'platform'; permission: string }
  | { access: 'member'; permission: string }
  | { access: 'tenant'; permission?: string; sources: readonly TenantSource[]; self?: string };

// ---- building blocks ----------------------------------------------------------------------------------------------

const open: RoutePolicy = { access: 'public' };
const setup: RoutePolicy = { access: 'setup' };
const signedIn = (permission?: string): RoutePolicy => ({ access: 'any', ...(permission ? { permission } : {}) });
const platform = (permission: string): RoutePolicy => ({ access: 'platform', permission });
const member = (permission: string): RoutePolicy => ({ access: 'member', permission });
type TenantPolicy = Extract<RoutePolicy, { access: 'tenant' }>;
type RefTable = Extract<TenantSource, { kind: 'bodyRef' }>['table'];

const tenant = (permission: string | undefined, ...sources: TenantSource[]): TenantPolicy => ({
  access: 'tenant',
  ...(permission ? { permission } : {}),
  sources,
});
const selfOr = (policy: TenantPolicy, param: string): TenantPolicy => ({ ...policy, self: param });

const organizationParam = (param = 'id'): TenantSource => ({ kind: 'organizationParam', param });
const row = (param: string, table: OwnedTable, what: string): TenantSource => ({ kind: 'param', param, table, what });
const ref = (field: string, table: RefTable, what: string): TenantSource => ({ kind: 'bodyRef', field, table, what });
const bodyOrganization: TenantSource = { kind: 'bodyOrganization', field: 'organizationId' };
const queryOrganization: TenantSource = { kind: 'queryOrganization', field: 'organizationId' };

const partner = row('partnerId', 'partners', 'partner');
const availability = row('availabilityId', 'availabilities', 'availability');
const requirement = row('requirementId', 'requirements', 'requirement');
const assessment = row('assessmentId', 'risk_assessments', 'risk assessment');
const alert = row('alertId', 'risk_alerts', 'risk alert');
const override = row('overrideId', 'risk_overrides', 'risk override');
const match = row('matchId', 'matches', 'match');
const series = row('seriesId', 'document_series', 'document series');
const user = row('userId', 'users', 'user');
const organization = organizationParam('id');

/** A risk alert's subject, by its type. */
const subjectTable = (body: Record<string, unknown>): OwnedTable | undefined =>
  (({ requirement: 'requirements', availability: 'availabilities', partner: 'partners' }) as Record<string, OwnedTable>)[
    String(body.subjectType)
  ];

/** Shared master data: anyone signed in reads it; platform staff with `masters.write` change it. */
function masters(collection: string, children: readonly string[] = []): Record<string, RoutePolicy> {
  const write = platform('masters.write');
  const routes: Record<string, RoutePolicy> = {
    [`GET /${collection}`]: signedIn(),
    [`GET /${collection}/:id`]: signedIn(),
    [`POST /${collection}`]: write,
    [`PATCH /${collection}/:id`]: write,
    [`DELETE /${collection}/:id`]: write,
  };
  for (const child of children) Object.assign(routes, { [`GET /${collection}/:id/${child}`]: signedIn() });
  return routes;
}

/** An organisation's own records under `/organizations/:id/<collection>`. */
function organizationRecords(collection: string, item: string | undefined, verbs: readonly ('PATCH' | 'DELETE')[]): Record<string, RoutePolicy> {
  const write = tenant('organization.manage', organization);
  const routes: Record<string, RoutePolicy> = {
    [`GET /organizations/:id/${collection}`]: tenant(undefined, organization),
    [`POST /organizations/:id/${collection}`]: write,
  };
  for (const verb of verbs) routes[`${verb} /organizations/:id/${collection}/:${item}`] = write;
  return routes;
}

// ---- the table ----------------------------------------------------------------------------------------------------

export const ROUTE_POLICIES: Readonly<Record<string, RoutePolicy>> = {
  'GET /health': open,

  // ── settings: the role catalogue is shared by every tenant ──
  'GET /settings/roles': signedIn('settings.manage'),
  'GET /settings/roles/:roleId': signedIn('settings.manage'),
  'POST /settings/roles': platform('settings.manage'),
  'PATCH /settings/roles/:roleId': platform('settings.manage'),
  'DELETE /settings/roles/:roleId': platform('settings.manage'),
  'GET /settings/permissions': signedIn('settings.manage'),
  'POST /settings/permissions': platform('settings.manage'),
  'DELETE /settings/permissions/:permissionId': platform('settings.manage'),
  'PUT /settings/roles/:roleId/permissions/:permissionId': platform('settings.manage'),
  'DELETE /settings/roles/:roleId/permissions/:permissionId': platform('settings.manage'),
  'GET /settings/users/:userId/access': selfOr(tenant('settings.manage', user), 'userId'),
  'PUT /settings/users/:userId/roles/:roleId': tenant('settings.manage', user),
  'POST /settings/seed/roles': setup,
  'POST /settings/seed/permissions': setup,
  'POST /settings/seed/admin-user': setup,

  // ── authentication ──
  'POST /auth/login': open,
  'POST /auth/refresh': open,
  'POST /auth/password-reset': open,
  'POST /auth/password-reset/confirm': open,
  'GET /auth/me': signedIn(),
  'POST /auth/logout': signedIn(),
  'POST /auth/change-password': signedIn(),
  'POST /auth/users': tenant('settings.manage', bodyOrganization),

  // ── user onboarding: phone sign-up is registration ──
  'POST /onboarding/sign-up': open,
  'POST /onboarding/otp/send': open,
  'POST /onboarding/otp/verify': open,
  'GET /onboarding/users/:userId': selfOr(tenant('settings.manage', user), 'userId'),

  // ── partners ──
  'GET /partners': tenant('partners.read', queryOrganization),
  'GET /partners/:partnerId': tenant('partners.read', partner),
  'POST /partners': tenant('partners.write', bodyOrganization),
  'PATCH /partners/:partnerId': tenant('partners.write', partner),
  'PUT /partners/:partnerId/capability': tenant('partners.write', partner),
  'PUT /partners/:partnerId/financial-details': tenant('partners.write', partner),
  'POST /partners/:partnerId/toggle-active': tenant('partners.write', partner),
  'POST /partners/:partnerId/approve': tenant('partners.approve', partner),
  'POST /partners/:partnerId/reject': tenant('partners.approve', partner),
  'POST /partners/:partnerId/documents': tenant('partners.write', partner),
  'GET /partners/:partnerId/documents': tenant('partners.read', partner),

  // ── trade desk ──
  'GET /availabilities': tenant(undefined, queryOrganization),
  'GET /availabilities/:availabilityId': tenant(undefined, availability),
  'POST /availabilities': tenant('trade_desk.availability.write', bodyOrganization, ref('sellerPartnerId', 'partners', 'partner')),
  'PATCH /availabilities/:availabilityId': tenant('trade_desk.availability.write', availability),
  'POST /availabilities/:availabilityId/approve': tenant('trade_desk.availability.approve', availability),
  'POST /availabilities/:availabilityId/withdraw': tenant('trade_desk.availability.write', availability),
  'POST /availabilities/:availabilityId/reservations': tenant(
    'trade_desk.availability.write',
    availability,
    ref('requirementId', 'requirements', 'requirement'),
  ),
  'GET /requirements': tenant(undefined, queryOrganization),
  'GET /requirements/:requirementId': tenant(undefined, requirement),
  'POST /requirements': tenant('trade_desk.requirement.write', bodyOrganization, ref('buyerPartnerId', 'partners', 'partner')),
  'PATCH /requirements/:requirementId': tenant('trade_desk.requirement.write', requirement),
  'POST /requirements/:requirementId/publish': tenant('trade_desk.requirement.publish', requirement),
  'POST /requirements/:requirementId/cancel': tenant('trade_desk.requirement.publish', requirement),
  'POST /requirements/:requirementId/fulfillments': tenant(
    'trade_desk.requirement.write',
    requirement,
    ref('availabilityId', 'availabilities', 'availability'),
  ),

  // ── risk ──
  'POST /risk/requirements/:requirementId/assessments': tenant('risk.read', requirement),
  'POST /risk/availabilities/:availabilityId/assessments': tenant('risk.read', availability),
  'POST /risk/partners/:partnerId/assessments': tenant('risk.read', partner, bodyOrganization),
  'POST /risk/trades/assessments': tenant(
    'risk.read',
    bodyOrganization,
    ref('buyerPartnerId', 'partners', 'partner'),
    ref('sellerPartnerId', 'partners', 'partner'),
  ),
  'GET /risk/assessments': tenant('risk.read', queryOrganization),
  'GET /risk/assessments/:assessmentId': tenant('risk.read', assessment),
  'PUT /risk/partners/:partnerId/credit-limit': tenant('risk.credit_limit.write', partner, bodyOrganization),
  'POST /risk/partners/:partnerId/credit-limit/utilization': tenant('risk.credit_limit.write', partner, bodyOrganization),
  'GET /risk/partners/:partnerId/credit-limit': tenant('risk.read', partner, queryOrganization),
  'POST /risk/alerts': tenant(
    'risk.override',
    bodyOrganization,
    ref('partnerId', 'partners', 'partner'),
    ref('subjectId', subjectTable, 'subject'),
  ),
  'POST /risk/alerts/:alertId/resolve': tenant('risk.override', alert),
  'GET /risk/alerts': tenant('risk.read', queryOrganization),
  'GET /risk/alerts/:alertId': tenant('risk.read', alert),
  'POST /risk/assessments/:assessmentId/overrides': tenant('risk.override', assessment),
  'POST /risk/overrides/:overrideId/revoke': tenant('risk.override', override),
  'GET /risk/overrides/:overrideId': tenant('risk.read', override),
  'POST /risk/partners/:partnerId/scores': tenant('risk.credit_limit.write', partner, bodyOrganization),
  'GET /risk/partners/:partnerId/scores': tenant('risk.read', partner, queryOrganization),
  'POST /risk/partners/:partnerId/blocks': tenant('risk.override', partner, bodyOrganization),
  'GET /risk/partners/:partnerId/blocks': tenant('risk.read', partner, queryOrganization),

  // ── matching ──
  'POST /matching/requirements/:requirementId/runs': tenant('matching.accept', requirement),
  'POST /matching/availabilities/:availabilityId/runs': tenant('matching.accept', availability),
  'GET /matches': tenant(undefined, queryOrganization),
  'GET /matches/:matchId': tenant(undefined, match),
  'POST /matches/:matchId/accept': tenant('matching.accept', match),

  // ── organisations (the tenants) ──
  'GET /organizations': platform('organization.manage'),
  'POST /organizations': platform('organization.manage'),
  'GET /organizations/:id': tenant(undefined, organization),
  'PATCH /organizations/:id': tenant('organization.manage', organization),
  'DELETE /organizations/:id': platform('organization.manage'),
  ...organizationRecords('branches', 'branchId', ['PATCH', 'DELETE']),
  ...organizationRecords('bank-accounts', 'accountId', ['PATCH', 'DELETE']),
  ...organizationRecords('gst-registrations', 'gstId', ['PATCH', 'DELETE']),
  ...organizationRecords('financial-years', undefined, []),
  'POST /organizations/:id/financial-years/:yearId/close': tenant('organization.manage', organization),
  ...organizationRecords('document-series', undefined, []),
  'GET /document-series/:seriesId': tenant(undefined, series),
  'PATCH /document-series/:seriesId': tenant('organization.manage', series),
  'POST /document-series/:seriesId/next-number': tenant('organization.manage', series),
  'GET /organizations/:id/settings': tenant(undefined, organization),
  'PUT /organizations/:id/settings': tenant('organization.manage', organization),
  'GET /organizations/:id/logo': tenant(undefined, organization),
  'PUT /organizations/:id/logo': tenant('organization.manage', organization),
  'DELETE /organizations/:id/logo': tenant('organization.manage', organization),
  ...organizationRecords('contacts', 'contactId', ['DELETE']),

  // ── commodity masters (shared) ──
  ...masters('commodities', ['status-history', 'varieties', 'quality-parameters']),
  'POST /commodities/:id/status': platform('masters.write'),
  'POST /commodities/bulk-import': platform('masters.write'),
  'POST /commodities/:id/varieties': platform('masters.write'),
  'PATCH /commodities/:id/varieties/:varietyId': platform('masters.write'),
  'DELETE /commodities/:id/varieties/:varietyId': platform('masters.write'),
  'POST /commodities/:id/quality-parameters': platform('masters.write'),
  'PATCH /commodities/:id/quality-parameters/:parameterId': platform('masters.write'),
  'DELETE /commodities/:id/quality-parameters/:parameterId': platform('masters.write'),
  ...masters('hsn-codes'),
  ...masters('trade-types'),
  ...masters('payment-terms'),
  ...masters('delivery-terms'),
  ...masters('bargain-types'),

  // ── location masters (shared) ──
  ...masters('states'),
  ...masters('regions'),
  ...masters('locations'),
  'POST /locations/:id/geocode': platform('masters.write'),
  'POST /locations/:id/merge': platform('masters.write'),
  ...masters('warehouses'),

  // ── webhooks: always the caller's own organisation ──
  'POST /webhooks/subscriptions': member('organization.manage'),
  'GET /webhooks/subscriptions': member('organization.manage'),
  'GET /webhooks/subscriptions/:id': member('organization.manage'),
  'PATCH /webhooks/subscriptions/:id': member('organization.manage'),
  'DELETE /webhooks/subscriptions/:id': member('organization.manage'),
  'POST /webhooks/subscriptions/:id/rotate-secret': member('organization.manage'),
  'GET /webhooks/deliveries': member('organization.manage'),
  'GET /webhooks/deliveries/:id': member('organization.manage'),
  'POST /webhooks/deliveries/:id/replay': member('organization.manage'),
};

/** The policy of a route as Fastify registers it (`HEAD` routes are the automatic twins of `GET` ones). */
export function policyFor(method: string, url: string): RoutePolicy | undefined {
  return ROUTE_POLICIES[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}
