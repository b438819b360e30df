import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database } from './db/database.js';
import { hasNoAdministrator } from './core/auth/principal.js';

export interface DemoAdmin {
  email: string;
  /** Drawn at random for this database; shown once by `npm start`, stored only as a scrypt hash. */
  password: string;
}

/**
 * Demo data for `npm start` on the embedded database, created through the API itself (so it takes the same paths,
 * validation, authorisation and legacy gaps as a client's requests): roles and an administrator, an organisation, a
 * commodity, a mandi, a seller and a buyer (approved), an approved availability and a published requirement.
 *
 * Runs only on an empty system: the first-run seeds with the setup token, then everything else as the new
 * administrator. When the system already has an administrator (a PGlite data directory seeded before) it does nothing
 * and returns undefined. The administrator's password is random, never a constant in the code.
 */
export async function seedDemoData(app: FastifyInstance, database: Database, setupToken: string): Promise<DemoAdmin | undefined> {
  if (!(await hasNoAdministrator(database))) return undefined;

  let token: string | undefined;
  const call = async (method: 'POST' | 'PUT' | 'PATCH', url: string, body: unknown) => {
    const res = await app.inject({
      method,
      url,
      payload: body as object,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        ...(token ? { authorization: `Bearer ${token}` } : { 'x-setup-token': setupToken }),
      },
    });
    if (res.statusCode >= 300) throw new Error(`demo data: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json() as Record<string, any>;
  };

  const admin: DemoAdmin = { email: 'admin@demo.example', password: randomBytes(12).toString('base64url') };
  // Roles first: the permission seed grants each permission to the default roles that exist.
  await call('POST', '/settings/seed/roles', {});
  await call('POST', '/settings/seed/permissions', {});
  await call('POST', '/settings/seed/admin-user', { ...admin, fullName: 'Demo Admin' });
  token = (await call('POST', '/auth/login', { login: admin.email, password: admin.password })).accessToken as string;

  const org = await call('POST', '/organizations', { name: 'Saurashtra Cotton Traders', orgType: 'trader', pan: 'AAECS4321K' });
  await call('POST', '/commodities', { code: 'COTTON', name: 'Cotton (lint)', category: 'fibre', tradingUnit: 'candy' });
  const gujarat = await call('POST', '/states', { code: 'GJ', gstStateCode: '24', name: 'Gujarat' });
  await call('POST', '/locations', { name: 'Rajkot APMC', locationType: 'mandi', stateId: gujarat.id, pincode: '360003' });

  const partner = (partnerType: string, legalName: string, pan: string) =>
    call('POST', '/partners', {
      partnerType,
      legalName,
      tradeName: legalName.split(' ').slice(0, 2).join(' '),
      pan,
      gstin: `24${pan}1Z5`,
      contactName: 'Demo Contact',
      contactEmail: `${pan.toLowerCase()}@demo.example`,
      contactPhone: '+919800000000',
      city: 'Rajkot',
      state: 'Gujarat',
      pincode: '360003',
      organizationId: org.id,
    });
  const seller = await partner('seller', 'Gondal Ginning Mills', 'AAACG1234G');
  const buyer = await partner('buyer', 'Coimbatore Spinners Ltd', 'AAACC5678C');
  await call('POST', `/partners/${seller.id}/approve`, {});
  await call('POST', `/partners/${buyer.id}/approve`, {});

  const availability = await call('POST', '/availabilities', {
    organizationId: org.id,
    sellerPartnerId: seller.id,
    commodityCode: 'COTTON',
    variety: 'Shankar-6',
    quantity: 500,
    unit: 'BALES',
    pricePerUnit: 27500,
    location: 'Rajkot',
    stateCode: 'GJ',
    quality: { staple_length_mm: 29.5, micronaire: 4.1, moisture_pct: 7.5 },
    availableFrom: '2026-12-01',
    availableUntil: '2027-01-31',
  });
  await call('POST', `/availabilities/${availability.id}/approve`, {});
  const requirement = await call('POST', '/requirements', {
    organizationId: org.id,
    buyerPartnerId: buyer.id,
    commodityCode: 'COTTON',
    quantity: 200,
    unit: 'BALES',
    maxPricePerUnit: 28000,
    deliveryLocation: 'Coimbatore',
    deliveryStateCode: 'TN',
    qualitySpec: { staple_length_mm: { min: 28 }, moisture_pct: { max: 8 } },
    requiredBy: '2027-02-15',
  });
  await call('POST', `/requirements/${requirement.id}/publish`, {});
  return admin;
}
