import type { Step } from './context.ts';
import { pipelineSchema, viewOf } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';
import { CliError } from '../errors.ts';

/**
 * Match every source user / owner email against the destination's users (case-insensitive).
 * Reads `<pipeline_schema>.users` (a view with `email`) plus every owner column of the load
 * objects. An owner with no destination user goes to etl.reconciliation_queue (kind 'user')
 * with the records they own; `load` stops at a gate while such rows are open, unless
 * --fallback-owner names a destination user. Matches to inactive destination users are reported.
 */
export const users: Step = async (ctx) => {
  const dest = await ctx.destination();
  const destUsers = await dest.listUsers();
  const byEmail = new Map(destUsers.map((u) => [u.email.toLowerCase(), u]));
  const schema = pipelineSchema(ctx.pipeline);
  const exists = await ctx.db.pool.query(`select to_regclass($1) is not null as ok`, [`${schema}.users`]);
  if (!exists.rows[0].ok) throw new CliError('USERS_VIEW_MISSING', `${schema}.users not built; run the transform step first.`);
  const emails = new Set<string>(
    (await ctx.db.pool.query(`select distinct lower(trim(email)) as email from ${ident(schema)}.users where email is not null and trim(email) <> ''`)).rows.map((r) => r.email as string),
  );
  // Records per owner, from every object that has an owner column.
  const owned = new Map<string, { object: string; source_key: string }[]>();
  for (const obj of ctx.pipeline.objects) {
    if (!obj.owner) continue;
    const [vs, vn] = viewOf(ctx.pipeline, obj).split('.');
    const ok = await ctx.db.pool.query(`select to_regclass($1) is not null as ok`, [`${vs}.${vn}`]);
    if (!ok.rows[0].ok) continue;
    const { rows } = await ctx.db.pool.query(
      `select lower(trim(${ident(obj.owner)}::text)) as email, source_key from ${ident(vs!)}.${ident(vn!)}
        where ${ident(obj.owner)} is not null and trim(${ident(obj.owner)}::text) <> '' order by source_key`,
    );
    for (const r of rows) {
      emails.add(r.email);
      owned.set(r.email, [...(owned.get(r.email) ?? []), { object: obj.name, source_key: r.source_key }]);
    }
  }
  let matched = 0;
  const unmatched: string[] = [];
  const inactive: string[] = [];
  await ctx.db.pool.query('delete from etl.user_map where pipeline = $1', [ctx.pipeline.name]);
  for (const email of [...emails].sort()) {
    const u = byEmail.get(email);
    if (u) {
      matched++;
      if (!u.active) inactive.push(email);
    } else unmatched.push(email);
    // An inactive user cannot own records (the destination refuses them): such owners are
    // treated as unmatched, so their records wait in the queue or go to --fallback-owner.
    await ctx.db.pool.query(
      `insert into etl.user_map (pipeline, source_email, dest_user_id, dest_email, matched_by, run_id) values ($1,$2,$3,$4,$5,$6)`,
      [ctx.pipeline.name, email, u?.active ? u.id : null, u?.email ?? null, u ? (u.active ? 'email' : 'inactive') : 'unmatched', ctx.runId],
    );
  }
  // The queue reflects this match: owners now matched are resolved, unmatched ones (re)opened.
  await ctx.db.pool.query(
    `update etl.reconciliation_queue set status = 'resolved', resolution = 'matched by email', resolved_at = now()
      where pipeline = $1 and kind = 'user' and status = 'open' and not (key = any($2))`,
    [ctx.pipeline.name, [...unmatched, ...inactive].filter((e) => owned.has(e))],
  );
  // Only owners of records are queued: a source user who owns nothing blocks nothing.
  const blocking = [...unmatched, ...inactive].filter((e) => owned.has(e));
  for (const email of blocking) {
    const records = owned.get(email)!;
    const why = inactive.includes(email) ? `is an inactive ${dest.name} user` : `has no ${dest.name} user`;
    await ctx.db.pool.query(
      `insert into etl.reconciliation_queue (pipeline, kind, key, detail, records) values ($1, 'user', $2, $3, $4::jsonb)
       on conflict (pipeline, kind, key) do update set detail = excluded.detail, records = excluded.records, status = 'open', resolution = null, resolved_at = null`,
      [ctx.pipeline.name, email, `${email} owns ${records.length} record(s) and ${why}`, JSON.stringify(records)],
    );
  }
  ctx.log(`users: ${matched} of ${emails.size} source users match a ${dest.name} user by email${unmatched.length ? `; unmatched (queued): ${unmatched.join(', ')}` : ''}`);
  if (inactive.length) ctx.log(`users: matched to INACTIVE ${dest.name} users (their records are queued like unmatched owners; reactivate them and re-run users, or use --fallback-owner): ${inactive.join(', ')}`);
  ctx.summary.users = { total: emails.size, matched, unmatched, inactive };
};
