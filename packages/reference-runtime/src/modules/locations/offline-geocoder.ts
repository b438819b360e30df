import { createHash } from 'node:crypto';

// Offline, deterministic geocoding from an Indian address, for placing mandis and warehouses on a map and ranking
// distances coarsely until a geocoding provider is wired in. A PIN code's first digit is the postal zone and its
// first two digits the sub-region (postal circle or its division), so the two-digit prefix gives an approximate
// centre; the remaining digits and the address spread places around it. Same address in, same coordinates out.

type Point = readonly [latitude: number, longitude: number];

/** Approximate centre of each postal zone, used when the sub-region is not in the table below. */
const ZONES: Record<string, Point> = {
  '1': [30.2, 75.9], // Delhi, Haryana, Punjab, Himachal Pradesh, Jammu & Kashmir, Ladakh
  '2': [27.1, 80.4], // Uttar Pradesh, Uttarakhand
  '3': [24.6, 72.9], // Rajasthan, Gujarat
  '4': [21.0, 77.6], // Maharashtra, Goa, Madhya Pradesh, Chhattisgarh
  '5': [15.6, 77.8], // Andhra Pradesh, Telangana, Karnataka
  '6': [10.6, 77.3], // Tamil Nadu, Kerala, Puducherry, Lakshadweep
  '7': [23.4, 87.8], // West Bengal, Odisha, the North East, Andaman & Nicobar
  '8': [25.1, 85.6], // Bihar, Jharkhand
};

/** Approximate centre of two-digit PIN sub-regions where trade happens. */
const SUB_REGIONS: Record<string, Point> = {
  '11': [28.61, 77.21], // Delhi
  '12': [28.9, 76.6], // south Haryana
  '13': [29.9, 76.9], // north Haryana
  '14': [31.3, 75.5], // Ludhiana, Jalandhar, Amritsar
  '15': [30.3, 75.2], // Bathinda, Patiala, Sangrur
  '16': [30.73, 76.78], // Chandigarh, Mohali
  '17': [31.6, 77.1], // Himachal Pradesh
  '18': [32.7, 74.9], // Jammu
  '19': [34.1, 74.8], // Kashmir, Ladakh
  '30': [26.9, 75.8], // Jaipur
  '31': [26.4, 74.6], // Ajmer
  '32': [25.2, 75.9], // Kota
  '33': [28.0, 73.3], // Bikaner, Churu
  '34': [26.3, 73.0], // Jodhpur, Barmer
  '36': [22.3, 70.8], // Saurashtra
  '37': [23.25, 69.7], // Kutch
  '38': [23.0, 72.6], // Ahmedabad, north Gujarat
  '39': [21.9, 73.1], // Vadodara, Surat, south Gujarat
  '40': [19.1, 73.0], // Mumbai, Thane, Konkan
  '41': [18.5, 74.3], // Pune, Ahmednagar, Kolhapur
  '42': [20.6, 74.6], // Nashik, Dhule, Jalgaon
  '43': [19.3, 76.0], // Marathwada
  '44': [20.8, 78.2], // Vidarbha
  '45': [22.8, 75.9], // Indore, Ujjain
  '46': [23.3, 77.4], // Bhopal
  '47': [24.8, 78.4], // Gwalior, Sagar
  '48': [23.5, 80.6], // Jabalpur, Rewa
  '49': [21.3, 81.7], // Chhattisgarh
  '50': [17.6, 78.7], // Telangana
  '51': [14.9, 78.3], // Rayalaseema
  '52': [16.2, 80.2], // coastal Andhra
  '53': [17.4, 82.4], // north coastal Andhra
  '56': [13.0, 77.4], // Bengaluru, south Karnataka
  '57': [13.1, 75.8], // Mysuru, Mangaluru, Shivamogga
  '58': [15.2, 75.6], // Hubballi, Dharwad, Ballari
  '59': [16.6, 75.9], // Belagavi, Kalaburagi, Bidar
  '60': [13.0, 80.0], // Chennai
  '61': [11.5, 79.4], // Cuddalore, Thanjavur
  '62': [9.5, 78.0], // Madurai, Tirunelveli
  '63': [11.8, 78.5], // Salem, Erode, Vellore
  '64': [11.0, 77.2], // Coimbatore, Tiruppur
  '67': [11.5, 75.9], // Malabar
  '68': [10.0, 76.4], // Kochi, Thrissur
  '69': [8.8, 76.8], // Thiruvananthapuram, Kollam
  '70': [22.6, 88.4], // Kolkata
  '71': [22.9, 88.0], // Howrah, Hooghly, Bardhaman
  '72': [22.8, 87.0], // Medinipur, Bankura, Purulia
  '73': [26.3, 88.8], // north Bengal
  '74': [24.0, 88.3], // Nadia, Murshidabad, Malda
  '75': [20.4, 85.7], // Bhubaneswar, Cuttack
  '76': [19.4, 84.2], // south Odisha
  '77': [21.4, 84.2], // west Odisha
  '78': [26.3, 92.4], // Assam
  '79': [25.3, 93.6], // the rest of the North East
  '80': [25.5, 85.2], // Patna
  '81': [25.0, 86.6], // Bhagalpur, Munger, Deoghar
  '82': [24.4, 85.0], // Gaya, Palamu, Hazaribagh
  '83': [23.3, 85.9], // Ranchi, Jamshedpur, Dhanbad
  '84': [26.2, 85.1], // Muzaffarpur, Chhapra, Motihari
  '85': [25.9, 86.8], // Darbhanga, Purnia, Saharsa
};

export interface Address {
  name: string;
  address: string | null;
  district: string | null;
  pincode: string | null;
}

export type GeocodeResult =
  | { ok: true; latitude: number; longitude: number; precision: 'sub-region' | 'zone' }
  | { ok: false; field: 'pincode'; reason: string };

/** A value in [-0.5, 0.5) drawn from two bytes of a digest. */
const spread = (digest: Buffer, offset: number) => digest.readUInt16BE(offset) / 0x10000 - 0.5;
const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

export function approximateCoordinates(place: Address): GeocodeResult {
  const pin = place.pincode;
  if (!pin) return { ok: false, field: 'pincode', reason: 'the location has no PIN code to geocode from; send latitude and longitude' };
  if (pin.startsWith('9')) return { ok: false, field: 'pincode', reason: `${pin} is an Army Postal Service PIN and has no fixed place` };
  const subRegion = SUB_REGIONS[pin.slice(0, 2)];
  const centre = subRegion ?? ZONES[pin[0]!];
  if (!centre) return { ok: false, field: 'pincode', reason: `${pin} is not in a known postal zone` };

  // Places sharing a PIN share its spot within the sub-region (±0.25°, ~25 km); the address then separates them
  // by up to ±0.02° (~2 km) so two mandis of one town do not sit on one map pin.
  const byPin = createHash('sha256').update(pin).digest();
  const byAddress = createHash('sha256')
    .update([place.name, place.address, place.district].map((part) => (part ?? '').trim().toLowerCase()).join('|'))
    .digest();
  const radius = subRegion ? 0.5 : 3; // a whole zone is far wider than a sub-region
  return {
    ok: true,
    latitude: round6(centre[0] + spread(byPin, 0) * radius + spread(byAddress, 0) * 0.04),
    longitude: round6(centre[1] + spread(byPin, 2) * radius + spread(byAddress, 2) * 0.04),
    precision: subRegion ? 'sub-region' : 'zone',
  };
}
