/** Units the desk trades in. Cotton moves in bales, grains in quintals and tonnes. */
export const QUANTITY_UNITS = ['KG', 'QTL', 'MT', 'BALES'] as const;
export type QuantityUnit = (typeof QUANTITY_UNITS)[number];

/** Kilograms per unit; an Indian cotton bale (lint) is 170 kg by trade convention. */
const KG_PER_UNIT: Record<QuantityUnit, number> = { KG: 1, QTL: 100, MT: 1000, BALES: 170 };

export function toKilograms(quantity: number, unit: QuantityUnit): number {
  return quantity * KG_PER_UNIT[unit];
}

/** A price per `unit` expressed per kilogram, so offers in different units compare. */
export function pricePerKilogram(price: number, unit: QuantityUnit): number {
  return price / KG_PER_UNIT[unit];
}
