/**
 * HTTP Basic as Nutshell reads it (reference 2.3): username = the company domain or a user's
 * e-mail, password = API key. An impersonation key accepts any enabled user's e-mail and
 * attributes the call to that user; otherwise the e-mail must be the key's own user.
 */
import type pg from 'pg';
import { SANDBOX_DOMAIN } from './schema.ts';

export async function authenticate(pool: pg.Pool, header: string | undefined): Promise<{ userId: number } | null> {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const username = decoded.slice(0, colon).trim().toLowerCase();
  const apiKey = decoded.slice(colon + 1);
  const key = (await pool.query('select user_email, impersonation from sandbox_nutshell.api_keys where api_key = $1', [apiKey])).rows[0];
  if (!key) return null;
  const userByEmail = async (email: string) =>
    (
      await pool.query(`select id from sandbox_nutshell.entities where entity_type = 'Users' and deleted_time is null and (data->>'isEnabled')::boolean and data->'emails' ? $1`, [email])
    ).rows[0]?.id as number | undefined;
  const keyUser = await userByEmail(key.user_email);
  if (!keyUser) return null;
  if (username === SANDBOX_DOMAIN || username === key.user_email) return { userId: keyUser };
  if (key.impersonation) {
    const other = await userByEmail(username);
    if (other) return { userId: other };
  }
  return null;
}
