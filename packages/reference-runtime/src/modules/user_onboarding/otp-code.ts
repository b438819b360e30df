import { createHmac, randomInt } from 'node:crypto';
import { serverSecret } from '../../core/auth/secrets.js';

export const OTP_DIGITS = 6;

/**
 * A new one-time code: six digits drawn from the CSPRNG. Nothing a caller sees (the phone, the OTP's id, the time)
 * determines it; it reaches the user only through the SMS.
 */
export function generateOtpCode(): string {
  return String(randomInt(0, 10 ** OTP_DIGITS)).padStart(OTP_DIGITS, '0');
}

/**
 * What the otp_codes row stores: HMAC-SHA256 of the OTP's id and the code under OTP_SECRET (required outside
 * development; a per-process random secret in development). Keyed, so that a copy of the table does not give the codes
 * away to a million guesses; salted with the id, so that equal codes do not hash alike.
 */
export function hashOtpCode(otpId: string, code: string): string {
  return createHmac('sha256', serverSecret('OTP_SECRET')).update(`${otpId}:${code}`).digest('hex');
}
