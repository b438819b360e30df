import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { DbSession } from '../../db/session.js';
import type { RedisClient } from '../../core/redis/client.js';
import { HttpError } from '../../core/http/errors.js';
import { generateOtpCode, hashOtpCode } from './otp-code.js';

const OTP_TTL_SECONDS = 5 * 60;
/** Codes per phone per window: enough for "didn't get it, send again", not enough to run up the SMS bill. */
const SENDS_PER_WINDOW = 5;
const SEND_WINDOW_SECONDS = 15 * 60;
/** Wrong guesses per code: 5 guesses at a 6-digit code leave a 1 in 200,000 chance. */
const ATTEMPTS_PER_CODE = 5;

/** Redis channel the SMS worker delivers from. */
export const SMS_CHANNEL = 'sms:outbound';

export interface IssuedOtp {
  otpId: string;
  phone: string;
  expiresAt: Date;
}

export interface OtpVerification {
  verified: true;
  phone: string;
  /** The account whose phone this verifies, if one signed up with it. */
  userId: string | null;
  userStatus: string | null;
}

/**
 * One-time passwords for phone verification. Redis holds the counters (sends per phone, guesses per code) so that
 * abuse is turned away before it reaches the database; the codes themselves live in otp_codes.
 */
export class OTPService {
  constructor(
    private readonly db: DbSession,
    private readonly redis: RedisClient,
  ) {}

  async sendOtp(phone: string): Promise<IssuedOtp> {
    const sendsKey = `otp:sends:${phone}`;
    const sends = await this.redis.incr(sendsKey);
    if (sends === 1) await this.redis.expire(sendsKey, SEND_WINDOW_SECONDS);
    if (sends > SENDS_PER_WINDOW) {
      throw new HttpError(429, `too many codes sent to phone ${phone}: try again in 15 minutes`, 'rate_limited');
    }

    const otpId = randomUUID();
    const code = generateOtpCode();
    await this.db.execute(
      `UPDATE otp_codes SET superseded_at = now()
       WHERE phone = $1 AND verified_at IS NULL AND superseded_at IS NULL`,
      [phone],
    );
    const { rows } = await this.db.execute<{ expiresAt: Date }>(
      `INSERT INTO otp_codes (id, phone, code_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at AS "expiresAt"`,
      [otpId, phone, hashOtpCode(otpId, code), OTP_TTL_SECONDS],
    );
    await this.db.commit();

    // Handed to the SMS worker only once committed: a code that was rolled back must never reach a phone.
    await this.redis.publish(
      SMS_CHANNEL,
      JSON.stringify({ to: phone, template: 'otp', text: `${code} is your verification code. It expires in 5 minutes.` }),
    );
    return { otpId, phone, expiresAt: rows[0]!.expiresAt };
  }

  /** Checks the latest code sent to the phone and, when it matches, marks the phone of its account verified. */
  async verifyOtp(phone: string, code: string): Promise<OtpVerification> {
    const { rows } = await this.db.execute<{ id: string; codeHash: string; expired: boolean }>(
      `SELECT id, code_hash AS "codeHash", expires_at <= now() AS expired FROM otp_codes
       WHERE phone = $1 AND verified_at IS NULL AND superseded_at IS NULL
       ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [phone],
    );
    const otp = rows[0];
    if (!otp) throw new HttpError(404, `no pending code for phone ${phone}: request one first`);
    if (otp.expired) throw new HttpError(410, `the code sent to phone ${phone} has expired: request a new one`, 'otp_expired');

    const attemptsKey = `otp:attempts:${otp.id}`;
    const attempts = await this.redis.incr(attemptsKey);
    if (attempts === 1) await this.redis.expire(attemptsKey, OTP_TTL_SECONDS);
    if (attempts > ATTEMPTS_PER_CODE) {
      throw new HttpError(429, `too many wrong codes for phone ${phone}: request a new code`, 'rate_limited');
    }
    const expected = Buffer.from(otp.codeHash, 'hex');
    const given = Buffer.from(hashOtpCode(otp.id, code), 'hex');
    if (!timingSafeEqual(expected, given)) {
      throw new HttpError(400, `code does not match the one sent to phone ${phone}`, 'otp_mismatch');
    }

    await this.db.execute(`UPDATE otp_codes SET verified_at = now() WHERE id = $1`, [otp.id]);
    const { rows: users } = await this.db.execute<{ id: string; status: string }>(
      `UPDATE users
       SET phone_verified_at = now(), updated_at = now(),
           status = CASE WHEN status = 'pending_verification' THEN 'active' ELSE status END
       WHERE phone = $1 RETURNING id, status`,
      [phone],
    );
    await this.db.commit();
    await this.redis.del(attemptsKey);
    return { verified: true, phone, userId: users[0]?.id ?? null, userStatus: users[0]?.status ?? null };
  }
}
