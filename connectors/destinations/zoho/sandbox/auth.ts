/** OAuth token endpoint (refresh grant) and access-token checks on CRM calls (reference §2). */
import { randomBytes } from 'node:crypto';
import { fail, readForm, send, type Ctx } from './http.ts';

export const SANDBOX_CREDENTIALS = {
  clientId: '1000.SANDBOXCLIENT',
  clientSecret: 'sandbox-client-secret',
  refreshToken: '1000.sandbox.refresh',
};

export const SCOPE = 'ZohoCRM.modules.ALL ZohoCRM.settings.ALL ZohoCRM.users.READ ZohoCRM.org.READ ZohoCRM.bulk.ALL ZohoCRM.coql.READ ZohoFiles.files.ALL';

export async function tokenEndpoint(ctx: Ctx, ttlSeconds: number): Promise<void> {
  const form = await readForm(ctx);
  // Token errors are HTTP 200 with an `error` key (reference §2.2).
  if (form.get('client_id') !== SANDBOX_CREDENTIALS.clientId) return send(ctx, 200, { error: 'invalid_client' });
  if (form.get('client_secret') !== SANDBOX_CREDENTIALS.clientSecret) return send(ctx, 200, { error: 'invalid_client_secret' });
  if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== SANDBOX_CREDENTIALS.refreshToken) return send(ctx, 200, { error: 'invalid_code' });
  const { rows } = await ctx.pool.query(`select count(*)::int as n from sandbox_zoho.tokens where created_at > now() - interval '10 minutes'`);
  if (rows[0].n >= ctx.org.tokenMintsPer10Min) {
    return send(ctx, 400, {
      error_description: 'You have made too many requests continuously. Please try again after some time.',
      error: 'Access Denied',
      status: 'failure',
    });
  }
  const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
  await ctx.pool.query(`insert into sandbox_zoho.tokens (access_token, expires_at) values ($1, now() + make_interval(secs => $2))`, [token, ttlSeconds]);
  // ≤15 live tokens per refresh token: the 16th evicts the oldest.
  await ctx.pool.query(
    `delete from sandbox_zoho.tokens where access_token in (
       select access_token from sandbox_zoho.tokens where expires_at > now() order by created_at desc offset 15)`,
  );
  send(ctx, 200, { access_token: token, scope: SCOPE, api_domain: ctx.apiDomain, token_type: 'Bearer', expires_in: ttlSeconds });
}

export async function revokeEndpoint(ctx: Ctx): Promise<void> {
  const form = await readForm(ctx);
  send(ctx, 200, form.get('token') === SANDBOX_CREDENTIALS.refreshToken ? { status: 'success' } : { error: 'invalid_code' });
}

export async function checkToken(ctx: Ctx): Promise<void> {
  const auth = ctx.req.headers.authorization ?? '';
  const m = /^Zoho-oauthtoken (\S+)$/.exec(auth);
  if (!m) throw fail(401, 'AUTHENTICATION_FAILURE', 'Authentication failed');
  const tok = await ctx.pool.query('select 1 from sandbox_zoho.tokens where access_token = $1 and expires_at > now()', [m[1]]);
  if (!tok.rowCount) throw fail(401, 'INVALID_TOKEN', 'invalid oauth token');
}

export async function revokeAllTokens(ctx: Ctx): Promise<void> {
  await ctx.pool.query('update sandbox_zoho.tokens set expires_at = now() - interval \'1 second\' where expires_at > now()');
}
