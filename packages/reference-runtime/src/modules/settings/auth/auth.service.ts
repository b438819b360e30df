import type { DbSession } from '../../../db/session.js';
import { HttpError, badRequest } from '../../../core/http/errors.js';
import { hashPassword, hashToken, issueToken, verifyPassword } from './credentials.js';

const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
const RESET_TOKEN_TTL_MINUTES = 30;

export interface SessionTokens {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  refreshExpiresAt: Date;
}

export interface AccountUser {
  id: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  status: 'pending_verification' | 'active' | 'disabled';
  lastLoginAt: Date | null;
}

interface SessionUser extends AccountUser {
  sessionId: string;
  passwordHash: string | null;
}

const USER_COLUMNS = `u.id, u.full_name AS "fullName", u.email, u.phone, u.status, u.last_login_at AS "lastLoginAt"`;

const unauthorized = (message: string) => new HttpError(401, message);

/** Where reset links point; the web app serves /reset-password. */
function resetLink(token: string): string {
  const base = process.env.PUBLIC_APP_URL ?? 'http://localhost:5173';
  return `${base.replace(/\/+$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
}

/**
 * Password login with server-side sessions: opaque bearer tokens, of which only SHA-256 hashes are stored, an access
 * token that lives an hour and a refresh token that rotates on every use.
 */
export class AuthService {
  constructor(private readonly db: DbSession) {}

  /** The user behind an access token, for GET /auth/me. */
  async currentUser(accessToken: string): Promise<AccountUser> {
    const { passwordHash: _hash, sessionId: _session, ...user } = await this.sessionUser(accessToken);
    return user;
  }

  /** `login` is the e-mail address or the +91 mobile number the account was registered with. */
  async login(login: string, password: string, userAgent: string | null): Promise<SessionTokens & { user: AccountUser }> {
    const { rows } = await this.db.execute<AccountUser & { passwordHash: string | null }>(
      `SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash" FROM users u
       WHERE lower(u.email) = lower($1) OR u.phone = $1`,
      [login],
    );
    const account = rows[0];
    // Same answer, and about the same time, for an unknown login and a wrong password.
    const passwordMatches = await verifyPassword(password, account?.passwordHash ?? null);
    if (!account || !passwordMatches) throw unauthorized('invalid login or password');
    if (account.status === 'pending_verification') {
      throw new HttpError(403, 'phone number not verified yet: verify it with the OTP sent at sign-up');
    }
    if (account.status === 'disabled') throw new HttpError(403, 'this account is disabled');

    try {
      const tokens = await this.openSession(account.id, userAgent);
      const { rows: updated } = await this.db.execute<{ lastLoginAt: Date }>(
        `UPDATE users SET last_login_at = now() WHERE id = $1 RETURNING last_login_at AS "lastLoginAt"`,
        [account.id],
      );
      await this.db.commit();
      const { passwordHash: _hash, ...user } = account;
      return { ...tokens, user: { ...user, lastLoginAt: updated[0]!.lastLoginAt } };
    } catch (error) {
      await this.db.rollback();
      throw error;
    }
  }

  async logout(accessToken: string): Promise<void> {
    const { rows } = await this.db.execute(
      `UPDATE user_sessions SET revoked_at = now()
       WHERE access_token_hash = $1 AND revoked_at IS NULL RETURNING id`,
      [hashToken(accessToken)],
    );
    if (rows.length === 0) throw unauthorized('the access token is not a live session');
    await this.db.commit();
  }

  /** Swaps a refresh token for a new token pair; the old pair stops working. */
  async refreshToken(refreshToken: string): Promise<SessionTokens> {
    const access = issueToken();
    const refresh = issueToken();
    try {
      const { rows } = await this.db.execute<{ sessionId: string; accessExpiresAt: Date; refreshExpiresAt: Date }>(
        `UPDATE user_sessions
         SET access_token_hash = $2, refresh_token_hash = $3, rotated_at = now(),
             access_expires_at = now() + make_interval(secs => $4),
             refresh_expires_at = now() + make_interval(secs => $5)
         WHERE refresh_token_hash = $1 AND revoked_at IS NULL AND refresh_expires_at > now()
         RETURNING id AS "sessionId", access_expires_at AS "accessExpiresAt", refresh_expires_at AS "refreshExpiresAt"`,
        [hashToken(refreshToken), access.hash, refresh.hash, ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS],
      );
      const session = rows[0];
      if (!session) throw unauthorized('refreshToken is invalid, expired or already used');
      await this.db.commit();
      return { ...session, accessToken: access.token, refreshToken: refresh.token };
    } catch (error) {
      await this.db.rollback();
      throw error;
    }
  }

  /** Changes the password and signs every other device out; the session making the change stays signed in. */
  async changePassword(accessToken: string, currentPassword: string, newPassword: string): Promise<void> {
    const session = await this.sessionUser(accessToken);
    if (!(await verifyPassword(currentPassword, session.passwordHash))) {
      throw new HttpError(403, 'currentPassword does not match');
    }
    if (newPassword === currentPassword) throw badRequest('newPassword must differ from currentPassword');
    const passwordHash = await hashPassword(newPassword);

    try {
      await this.db.execute(
        `UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1`,
        [session.id, passwordHash],
      );
      await this.db.execute(
        `UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`,
        [session.id, session.sessionId],
      );
      await this.db.commit();
    } catch (error) {
      await this.db.rollback();
      throw error;
    }
  }

  /**
   * Mails a reset link if the address belongs to an account. The caller gets the same answer either way, so the
   * endpoint cannot be used to find out who has an account.
   */
  async requestPasswordReset(email: string): Promise<void> {
    const { rows } = await this.db.execute<{ id: string; fullName: string; email: string }>(
      `SELECT id, full_name AS "fullName", email FROM users WHERE lower(email) = lower($1) AND status <> 'disabled'`,
      [email],
    );
    const user = rows[0];
    if (!user) return;

    const reset = issueToken();
    // Only the newest link works: asking again retires the ones sent before.
    await this.db.execute(
      `UPDATE password_reset_tokens SET expires_at = now() WHERE user_id = $1 AND used_at IS NULL AND expires_at > now()`,
      [user.id],
    );
    await this.db.execute(
      `INSERT INTO password_reset_tokens (user_id, token_hash, expires_at)
       VALUES ($1, $2, now() + make_interval(mins => $3))`,
      [user.id, reset.hash, RESET_TOKEN_TTL_MINUTES],
    );
    await this.db.execute(
      `INSERT INTO email_messages (recipient, template, subject, body) VALUES ($1, 'password_reset', $2, $3)`,
      [
        user.email,
        'Reset your password',
        `Hello ${user.fullName},\n\nUse this link within ${RESET_TOKEN_TTL_MINUTES} minutes to choose a new password:\n` +
          `${resetLink(reset.token)}\n\nIf you did not ask for it, you can ignore this message.`,
      ],
    );
    await this.db.commit();
  }

  /** Sets a new password with a reset token; the token is spent and every session of the account is signed out. */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const passwordHash = await hashPassword(newPassword);
    try {
      // Spending the token is the statement that finds it, so two concurrent resets cannot both use one token.
      const { rows } = await this.db.execute<{ userId: string }>(
        `UPDATE password_reset_tokens SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id AS "userId"`,
        [hashToken(token)],
      );
      const spent = rows[0];
      if (!spent) throw badRequest('token is invalid, expired or already used');
      await this.db.execute(
        `UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1`,
        [spent.userId, passwordHash],
      );
      await this.db.execute(
        `UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`,
        [spent.userId],
      );
      await this.db.commit();
    } catch (error) {
      await this.db.rollback();
      throw error;
    }
  }

  private async openSession(userId: string, userAgent: string | null): Promise<SessionTokens> {
    const access = issueToken();
    const refresh = issueToken();
    const { rows } = await this.db.execute<{ sessionId: string; accessExpiresAt: Date; refreshExpiresAt: Date }>(
      `INSERT INTO user_sessions (user_id, access_token_hash, refresh_token_hash, access_expires_at, refresh_expires_at,
                                  user_agent)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4), now() + make_interval(secs => $5), $6)
       RETURNING id AS "sessionId", access_expires_at AS "accessExpiresAt", refresh_expires_at AS "refreshExpiresAt"`,
      [userId, access.hash, refresh.hash, ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS, userAgent],
    );
    return { ...rows[0]!, accessToken: access.token, refreshToken: refresh.token };
  }

  private async sessionUser(accessToken: string): Promise<SessionUser> {
    const { rows } = await this.db.execute<SessionUser>(
      `SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash", s.id AS "sessionId"
       FROM user_sessions s JOIN users u ON u.id = s.user_id
       WHERE s.access_token_hash = $1 AND s.revoked_at IS NULL AND s.access_expires_at > now()
         AND u.status = 'active'`,
      [hashToken(accessToken)],
    );
    if (!rows[0]) throw unauthorized('the access token is invalid or expired');
    return rows[0];
  }
}
