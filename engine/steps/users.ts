import type { Step } from './context.ts';
import { pipelineSchema } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';

/**
 * Match every source user / owner email against the destination's users (case-insensitive).
 * Reads `<pipeline_schema>.users` (a view with `email` and optionally `name`, `active`).
 */
export const users: Step = async (ctx) => {
  const dest = await ctx.destination();
  const destUsers = await dest.listUsers();
  const byEmail = new Map(destUsers.map((u) => [u.email.toLowerCase(), u]));
  const schema = pipelineSchema(ctx.pipeline);
  const exists = await ctx.db.pool.query(`select to_regclass($1) is not null as ok`, [`${schema}.users`]);
  if (!exists.rows[0].ok) throw new Error(`USERS_VIEW_MISSING: ${schema}.users not built; run the transform step first.`);
  const { rows } = await ctx.db.pool.query(`select distinct lower(trim(email)) as email from ${ident(schema)}.users where email is not null and trim(email) <> ''`);
  let matched = 0;
  const unmatched: string[] = [];
  await ctx.db.pool.query('delete from etl.user_map where pipeline = $1', [ctx.pipeline.name]);
  for (const { email } of rows) {
    const u = byEmail.get(email);
    if (u) matched++;
    else unmatched.push(email);
    await ctx.db.pool.query(
      `insert into etl.user_map (pipeline, source_email, dest_user_id, dest_email, matched_by, run_id) values ($1,$2,$3,$4,$5,$6)`,
      [ctx.pipeline.name, email, u?.id ?? null, u?.email ?? null, u ? 'email' : 'unmatched', ctx.runId],
    );
  }
  ctx.log(`users: ${matched} of ${rows.length} source users match a ${dest.name} user by email${unmatched.length ? `; unmatched: ${unmatched.join(', ')}` : ''}`);
  ctx.summary.users = { total: rows.length, matched, unmatched };
};
