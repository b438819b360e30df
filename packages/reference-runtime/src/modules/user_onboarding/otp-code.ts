import { createHash, createHmac } from 'node:crypto';

export const OTP_DIGITS = 6;

const DEVELOPMENT_SECRET = 'development-otp-secret';

/** The server secret codes are derived with. Production must set OTP_SECRET; anything else may use a fixed one. */
export function otpSecret(): string {
  const secret = process.env.OTP_SECRET;
  if (secret) return secret;
  if (process.env.NODE_ENV === 'production') throw new Error('OTP_SECRET must be set in production');
  return DEVELOPMENT_SECRET;
}

/**
 * The code of one issued OTP: HMAC-SHA256 of the phone and the OTP's id under the server secret, cut to six digits
 * by RFC 4226's dynamic truncation. Derived rather than drawn at random so that whoever holds the secret (support
 * tooling, the test-suite) can reproduce a code from its row, while the table itself holds only a hash of it.
 */
export function deriveOtpCode(phone: string, otpId: string, secret: string = otpSecret()): string {
  const mac = createHmac('sha256', secret).update(`${phone}:${otpId}`).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** OTP_DIGITS).padStart(OTP_DIGITS, '0');
}

/** What the otp_codes row stores; salted with the OTP's id so equal codes do not hash alike. */
export function hashOtpCode(otpId: string, code: string): string {
  return createHash('sha256').update(`${otpId}:${code}`).digest('hex');
}
