import type { Step } from './context.ts';
import { pipelineSchema, viewOf } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';
import { CliError } from '../errors.ts';

/**
 * Match every source user / owner email against the destination's users (case-insensitive).
 * Reads `<pipeline_schema>.users` (a view with `email`) plus every owner column of the load
 * objects, counted in SQL (one grouped read per object: linear in the records). An owner with
 * no active destination user opens a queue item (etl.queue_items, kind 'user', with how many
 * records they own); `load` stops at a gate while such items are open, unless --fallback-owner
 * names a destination user, and queues the records on the item as it meets them. Matches to
 * inactive destination users are reported.
 */
export const users: Step = async (ctx) => {
  const dest = await ctx.destination();
  const destUsers = await dest.listUsers();
  const schema = pipelineSchema(ctx.pipeline);
  const exists = await ctx.db.pool.query(`select to_regclass($1) is not null as ok`, [`${schema}.users`]);
  if (!exists.rows[0].ok) throw new CliError('USERS_VIEW_MISSING', `${schema}.users not built; run the transform step first.`);

  // Every email the export names: its users, and the owners of records with their record counts.
  const parts = [`select distinct lower(trim(email)) as email, 0::bigint as n from ${ident(schema)}.users where email is not null and trim(email) <> ''`];
  for (const obj of ctx.pipeline.objects) {
    if (!obj.owner) continue;
    const [vs, vn] = viewOf(ctx.pipeline, obj).split('.');
    const ok = await ctx.db.pool.query(`select to_regclass($1) is not null as ok`, [`${vs}.${vn}`]);
    if (!ok.rows[0].ok) continue;
    parts.push(
      `select lower(trim(${ident(obj.owner)}::text)), count(*) from ${ident(vs!)}.${ident(vn!)}
        where ${ident(obj.owner)} is not null and trim(${ident(obj.owner)}::text) <> '' group by 1`,
    );
  }
  const { rows: named } = await ctx.db.pool.query<{ email: string; owned: number }>(
    `select email, sum(n)::bigint as owned from (${parts.join(' union all ')}) x group by email order by email`,
  );

  // The match, written in one statement. An inactive user cannot own records (the destination
  // refuses them): such owners are treated as unmatched, so their records wait in the queue or
  // go to --fallback-owner.
  const byEmail = new Map(destUsers.map((u) => [u.email.toLowerCase(), u]));
  const matches = named.map((r) => {
    const u = byEmail.get(r.email);
    return { email: r.email, owned: Number(r.owned), dest_user_id: u?.active ? u.id : null, dest_email: u?.email ?? null, matched_by: u ? (u.active ? 'email' : 'inactive') : 'unmatched' };
  });
  await ctx.db.pool.query('delete from etl.user_map where pipeline = $1', [ctx.pipeline.name]);
  await ctx.db.pool.query(
    `insert into etl.user_map (pipeline, source_email, dest_user_id, dest_email, matched_by, run_id)
     select $1, m.email, m.dest_user_id, m.dest_email, m.matched_by, $2 from jsonb_to_recordset($3::jsonb) as m(email text, dest_user_id text, dest_email text, matched_by text)`,
    [ctx.pipeline.name, ctx.runId, JSON.stringify(matches)],
  );

  // The queue reflects this match: owners now matched are resolved; unmatched owners of records
  // (re)opened, with their count. Only owners of records are queued: a source user who owns
  // nothing blocks nothing.
  const blocking = matches.filter((m) => m.matched_by !== 'email' && m.owned > 0);
  await ctx.db.pool.query(
    `update etl.queue_items set status = 'resolved', resolution = 'matched by email', resolved_at = now()
      where pipeline = $1 and kind = 'user' and status = 'open' and not (key = any($2))`,
    [ctx.pipeline.name, blocking.map((m) => m.email)],
  );
  await ctx.db.pool.query(
    `insert into etl.queue_items (pipeline, kind, key, detail, held)
     select $1, 'user', b.email, b.detail, b.owned from jsonb_to_recordset($2::jsonb) as b(email text, detail text, owned int) order by b.email
     on conflict (pipeline, kind, key) do update set detail = excluded.detail, held = excluded.held, status = 'open', resolution = null, resolved_at = null`,
    [
      ctx.pipeline.name,
      JSON.stringify(
        blocking.map((m) => ({ email: m.email, owned: m.owned, detail: `${m.email} owns ${m.owned} record(s) and ${m.matched_by === 'inactive' ? `is an inactive ${dest.name} user` : `has no ${dest.name} user`}` })),
      ),
    ],
  );
  const matched = matches.filter((m) => m.matched_by !== 'unmatched').length;
  const unmatched = matches.filter((m) => m.matched_by === 'unmatched').map((m) => m.email);
  const inactive = matches.filter((m) => m.matched_by === 'inactive').map((m) => m.email);
  ctx.log(`users: ${matched} of ${matches.length} source users match a ${dest.name} user by email${unmatched.length ? `; unmatched (queued): ${unmatched.join(', ')}` : ''}`);
  if (inactive.length) ctx.log(`users: matched to INACTIVE ${dest.name} users (their records are queued like unmatched owners; reactivate them and re-run users, or use --fallback-owner): ${inactive.join(', ')}`);
  ctx.summary.users = { total: matches.length, matched, unmatched, inactive };
};
