import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * Demo data for `npm start`, created through the API itself (so it takes the same paths, validation and legacy gaps
 * as a client's requests): roles and an admin, an organisation, a commodity, two mandis, a seller and a buyer
 * (approved), an approved availability and a published requirement. Run once on an empty database; skipped when
 * the organisation is already there (a PGlite data directory or a server database that was seeded before).
 * The admin's password is for the demo only: admin@demo.example / demo-admin-password.
 */
export async function seedDemoData(app: FastifyInstance): Promise<void> {
  const existing = await app.inject({ method: 'GET', url: '/organizations' });
  if (existing.statusCode === 200 && JSON.stringify(existing.json()).includes('Saurashtra Cotton Traders')) return;

  const reviewer = randomUUID();
  const call = async (method: 'POST' | 'PUT' | 'PATCH', url: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({
      method,
      url,
      payload: body as object,
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'x-user-id': reviewer, ...headers },
    });
    if (res.statusCode >= 300) throw new Error(`demo data: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json() as Record<string, any>;
  };

  await call('POST', '/settings/seed/permissions', {});
  await call('POST', '/settings/seed/roles', {});
  await call('POST', '/settings/seed/admin-user', { email: 'admin@demo.example', password: 'demo-admin-password', fullName: 'Demo Admin' });

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
}
