/**
 * `npx tsx tools/bench/values.ts [--rows 1000000] [--rounds 3] [--old <git revision>]`
 *
 * Microseconds per call of each value parser in sql/lib, over `--rows` varied values shaped
 * like the four sources' exports (each with its source's declared day order, time zone and
 * decimal separator), measured serially (no parallel workers, no JIT) as
 * (time of `select count(f(v))` - time of `select count(v)`) / rows, best of `--rounds`.
 * With `--old`, the parsers of that revision (010, 020 and 060 of sql/lib, loaded into a schema
 * lib_old) are measured beside them on the same values. A report, not a test: the figures
 * depend on the machine and on how busy it is, so the load average is printed with them.
 *
 * Runs in a database of its own (crm_bench_values_<pid>) on DATABASE_URL's server, else the
 * embedded one, dropped at the end.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDb } from '../../engine/db/connection.ts';
import { ensureEmbeddedServer } from '../../engine/db/embedded.ts';
import { embeddedHome } from '../../engine/db/connection.ts';
import { projectRoot, sqlDir } from '../../engine/paths.ts';
import { runLib } from '../../engine/transform/build.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    old: { type: 'string' },
  },
});
const rows = Number(args.rows);
const rounds = Number(args.rounds);

/**
 * Value tables: each row is a value and the conventions of the source that wrote it.
 * Shares follow the generators in tools/generate (which follow the bundled sources' exports):
 * day-first in Johannesburg with amounts written both ways, ISO/UTC, US dates with AM/PM in New
 * York, ISO or day-first in Toronto; a few blanks and unreadable values.
 */
const INPUTS = `
select setseed(0.42);
create table ts_fmt(lo int, hi int, fmt text, df boolean, tz text);
insert into ts_fmt values
  (0, 16, 'DD/MM/YYYY HH24:MI', true, 'Africa/Johannesburg'), (16, 24, 'DD/MM/YYYY', true, 'Africa/Johannesburg'),
  (24, 32, 'YYYY-MM-DD HH24:MI:SS', true, 'Africa/Johannesburg'), (32, 40, 'YYYY-MM-DD"T"HH24:MI:SS', true, 'Africa/Johannesburg'),
  (40, 42, 'FMDD/FMMM/YYYY', true, 'Africa/Johannesburg'),
  (42, 54, 'YYYY-MM-DD"T"HH24:MI:SS"Z"', false, 'UTC'), (54, 59, 'YYYY-MM-DD', false, 'UTC'), (59, 62, 'MM/DD/YYYY', false, 'UTC'),
  (62, 82, 'MM/DD/YYYY HH12:MI AM', false, 'America/New_York'), (82, 87, 'MM/DD/YYYY', false, 'America/New_York'),
  (87, 93, 'YYYY-MM-DD HH24:MI', true, 'America/Toronto'), (93, 95, 'YYYY-MM-DD', true, 'America/Toronto'),
  (95, 97, 'DD/MM/YYYY', true, 'America/Toronto'), (97, 98, 'FMDD Mon YYYY', true, 'America/Toronto'),
  (98, 99, '', true, 'UTC'), (99, 100, '"n/a"', true, 'UTC');
create table b_ts as
  select to_char(timestamp '2019-01-01' + random() * interval '2000 days', f.fmt) as v, f.df, f.tz
  from generate_series(1, ${rows}) i join ts_fmt f on i % 100 >= f.lo and i % 100 < f.hi;
create table d_fmt(lo int, hi int, fmt text, df boolean);
insert into d_fmt values
  (0, 40, 'YYYY-MM-DD', true), (40, 65, 'DD/MM/YYYY', true), (65, 85, 'MM/DD/YYYY', false), (85, 90, 'FMDD/FMMM/YYYY', true),
  (90, 95, 'YYYY-MM-DD HH24:MI', true), (95, 99, '', true), (99, 100, 'FMDD Mon YYYY', false);
create table b_date as
  select to_char(date '1950-01-01' + (random() * 30000)::int, f.fmt) as v, f.df
  from generate_series(1, ${rows}) i join d_fmt f on i % 100 >= f.lo and i % 100 < f.hi;
create table b_money as
  select case i % 20
    when 0 then '' when 1 then 'TBD'
    when 2 then 'R' || to_char(n, 'FM999,999,999') || '.00' when 3 then 'R ' || replace(to_char(n, 'FM999G999G999'), ',', ' ') || ',00'
    when 4 then 'ZAR ' || n when 5 then 'R' || to_char(n, 'FM999,999,999') || '.00'
    when 6 then '$' || to_char(n, 'FM999,999,999') || '.50' when 7 then n || ' ' || lpad((n % 1000)::text, 3, '0') || ',00 $'
    when 8 then 'CAD ' || n when 9 then n || '.00' when 10 then 'US$ ' || to_char(n, 'FM999,999,999')
    when 11 then '$' || to_char(n, 'FM999,999,999') || '.00'
    else n::text end as v,
    case when i % 20 between 2 and 5 then ',' else '.' end as ds
  from (select i, (random() * 250)::int * 500 + 500 as n from generate_series(1, ${rows}) i) x;
create table b_num as
  select case i % 10 when 0 then '' when 1 then n::text || '.5' when 2 then to_char(n, 'FM999,999,999.00') when 3 then n || ',25'
    when 4 then '-' || n when 5 then 'n/a' else n::text end as v,
    case when i % 10 = 3 then ',' else '.' end as ds
  from (select i, (random() * 100000)::int as n from generate_series(1, ${rows}) i) x;
create table b_email as
  select case i % 20 when 0 then '' when 1 then 'john smith@example.com' when 2 then 'info@acme'
    else (array['thandi', 'john.smith', 'p.van.der.merwe', 'sales+crm', 'marie-claire'])[1 + i % 5] || i % 997
         || '@' || (array['example.co.za', 'acme.com', 'mail.example.ca', 'lawfirm.us', 'gmail.com'])[1 + i % 7 % 5] end as v
  from generate_series(1, ${rows}) i;
create table b_dur as
  select case i % 20 when 0 then ''
    when 1 then m || ':' || lpad(s::text, 2, '0') when 2 then m || ':' || lpad(s::text, 2, '0') when 3 then m || ':' || lpad(s::text, 2, '0')
    when 4 then '0:' || lpad(m::text, 2, '0') || ':' || lpad(s::text, 2, '0') when 5 then '0:' || lpad(m::text, 2, '0') || ':00'
    when 6 then m || ' min' when 7 then m || ' mins' when 8 then m || ' min'
    else (m * 60 + s)::text end as v,
    case when i % 20 in (5, 6, 7, 8, 9, 10) then 'minutes' else 'seconds' end as unit
  from (select i, (random() * 45)::int as m, (random() * 59)::int as s from generate_series(1, ${rows}) i) x;
create table b_bool as
  select (array['Yes', 'No', 'Y', 'N', 'true', 'false', '1', '0', '', 'yes'])[1 + i % 10] as v from generate_series(1, ${rows}) i;
create table b_pct as
  select (array['80', '45%', '0.3', '', '100', '25', '150', '0.75', '10 %', '60'])[1 + i % 10] as v from generate_series(1, ${rows}) i;
analyze;
`;

interface Case {
  name: string;
  table: string;
  target?: number;
  fresh: string;
  old?: { sig: string; expr: string };
}

const CASES: Case[] = [
  { name: 'parse_timestamp', table: 'b_ts', target: 3, fresh: 'lib.parse_timestamp(v, df, tz)', old: { sig: 'lib_old.parse_timestamp(text,boolean,text)', expr: 'lib_old.parse_timestamp(v, df, tz)' } },
  { name: 'parse_date', table: 'b_date', target: 2, fresh: 'lib.parse_date(v, df)', old: { sig: 'lib_old.parse_date(text,boolean)', expr: 'lib_old.parse_date(v, df)' } },
  { name: 'parse_money', table: 'b_money', target: 3, fresh: 'lib.parse_money(v, ds)', old: { sig: 'lib_old.parse_money(text)', expr: 'lib_old.parse_money(v)' } },
  { name: 'parse_number', table: 'b_num', target: 3, fresh: 'lib.parse_number(v, ds)', old: { sig: 'lib_old.parse_money(text)', expr: 'lib_old.parse_money(v)' } },
  { name: 'is_valid_email', table: 'b_email', target: 2, fresh: 'lib.is_valid_email(v)', old: { sig: 'lib_old.is_valid_email(text)', expr: 'lib_old.is_valid_email(v)' } },
  { name: 'clean_email', table: 'b_email', fresh: 'lib.clean_email(v)', old: { sig: 'lib_old.clean_email(text)', expr: 'lib_old.clean_email(v)' } },
  { name: 'parse_duration_seconds', table: 'b_dur', target: 2, fresh: 'lib.parse_duration_seconds(v, unit)', old: { sig: 'lib_old.parse_duration_seconds(text,text)', expr: 'lib_old.parse_duration_seconds(v, unit)' } },
  { name: 'parse_bool', table: 'b_bool', fresh: 'lib.parse_bool(v)', old: { sig: 'lib_old.parse_bool(text)', expr: 'lib_old.parse_bool(v)' } },
  { name: 'parse_percent', table: 'b_pct', fresh: "lib.parse_percent(v, '.')", old: { sig: 'lib_old.parse_probability(text)', expr: 'lib_old.parse_probability(v)' } },
  { name: 'typed_value (datetime)', table: 'b_ts', fresh: "lib.typed_value(v, 'datetime', df, tz, '.')" },
];

async function adminUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  return (await ensureEmbeddedServer(embeddedHome())).adminUrl;
}

/** The old revision's parsers, renamed into schema lib_old so both sets live side by side. */
function oldLib(rev: string): string[] {
  const out: string[] = [];
  for (const f of ['010_text.sql', '020_dates.sql', '060_values.sql']) {
    let text: string;
    try {
      text = execFileSync('git', ['show', `${rev}:sql/lib/${f}`], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue;
    }
    out.push(text.replace(/\blib\./g, 'lib_old.'));
  }
  return out;
}

async function main(): Promise<void> {
  const admin = await adminUrl();
  const name = `crm_bench_values_${process.pid}`;
  const a = new pg.Client({ connectionString: admin });
  await a.connect();
  await a.query(`create database ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const db = openDb(u.toString(), 1);
  try {
    await runLib(db, sqlDir);
    const c = await db.pool.connect();
    try {
      if (args.old) {
        await c.query('create schema lib_old');
        for (const script of oldLib(args.old)) await c.query(script);
      }
      const version = (await c.query('show server_version')).rows[0].server_version;
      console.log(`PostgreSQL ${version}; ${rows} values per function; best of ${rounds}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
      await c.query(INPUTS);
      await c.query('set max_parallel_workers_per_gather = 0');
      await c.query('set jit = off');
      const time = async (sql: string): Promise<number> => {
        let best = Infinity;
        for (let r = 0; r < rounds; r++) {
          const t0 = performance.now();
          await c.query(sql);
          best = Math.min(best, performance.now() - t0);
        }
        return best;
      };
      const hasOld = async (sig: string) => (await c.query('select to_regprocedure($1) is not null as ok', [sig])).rows[0].ok as boolean;
      const line = (cols: string[]) => console.log(cols[0]!.padEnd(24) + cols.slice(1).map((x) => x.padStart(12)).join(''));
      line(['function', 'new µs', args.old ? `old µs` : '', 'target µs']);
      const base = new Map<string, number>();
      for (const k of CASES) {
        if (!base.has(k.table)) base.set(k.table, await time(`select count(v) from ${k.table}`));
        const b = base.get(k.table)!;
        const us = async (expr: string) => (((await time(`select count(${expr}) from ${k.table}`)) - b) * 1000) / rows;
        const fresh = await us(k.fresh);
        const old = args.old && k.old && (await hasOld(k.old.sig)) ? await us(k.old.expr) : undefined;
        line([k.name, fresh.toFixed(2), old === undefined ? '' : old.toFixed(2), k.target ? `<= ${k.target}` : '']);
      }
      console.log(`load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    } finally {
      c.release();
    }
  } finally {
    await db.close();
    await a.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await a.end();
  }
}

await main();
