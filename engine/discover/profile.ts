/**
 * Column profiles of the raw tables: inferred type, null share, distinct count, sample values,
 * longest value. Computed in SQL, one pass per column, over the text exactly as landed.
 */
import { inTransaction, type Db } from '../db/connection.ts';
import type { InferredType } from '../custom-fields.ts';
import { ident } from '../extract/headers.ts';
import { rawSchema, type SourceConnector } from '../source.ts';

export interface ColumnProfile {
  source: string;
  object: string;
  column_name: string;
  header: string;
  is_custom: boolean;
  ordinal: number;
  inferred_type: InferredType;
  rows: number;
  non_null: number;
  null_share: number;
  distinct_count: number;
  max_length: number | null;
  longest_value: string | null;
  sample_values: string[];
  /** Why the type was inferred, in words (for the mapping's reason column). */
  evidence: string;
  /** Every non-empty value is a whole number. */
  integers: boolean;
  /** Values carry a currency sign or code. */
  money: boolean;
}

/** Share of non-empty values a pattern must match for a type to be inferred. */
const SHARE = 0.9;
const PICKLIST_MAX = 25;
const LONG_TEXT = 255;

// Patterns as SQL regular expressions (PostgreSQL ARE), applied to trimmed values.
const RE = {
  checkbox: `^(yes|no|y|n|true|false|t|f|1|0|on|off|x)$`,
  number: `^[-+]?(r|\\$|€|£|cad|zar|usd|eur)?\\s?[-+]?\\d{1,3}([ ,]?\\d{3})*([.,]\\d+)?\\s?(%|\\$|r|cad|zar|usd|eur)?$`,
  integer: `^[-+]?\\d+$`,
  money: `(r|\\$|€|£|cad|zar|usd|eur)`,
  date: `^(\\d{4}-\\d{1,2}-\\d{1,2}([ t]\\d{1,2}:\\d{2}(:\\d{2})?(\\.\\d+)?(z|[+-]\\d{2}:?\\d{2})?)?|\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}( \\d{1,2}:\\d{2}(:\\d{2})?( ?[ap]m)?)?)$`,
  email: `^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$`,
  phone: `^\\+?[\\d\\s().-]{7,20}$`,
};

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function profileSource(db: Db, source: SourceConnector): Promise<ColumnProfile[]> {
  const schema = rawSchema(source.name);
  const { rows: cols } = await db.pool.query(
    `select c.table_name as object, c.column_name, coalesce(r.header, c.column_name) as header,
            coalesce(r.is_custom, false) as is_custom, coalesce(r.ordinal, c.ordinal_position) as ordinal
       from information_schema.columns c
       left join etl.raw_columns r on r.source = $2 and r.file = c.table_name and r.column_name = c.column_name
      where c.table_schema = $1 and c.column_name not like '\\_%'
      order by c.table_name, coalesce(r.ordinal, c.ordinal_position)`,
    [schema, source.name],
  );
  const out: ColumnProfile[] = [];
  for (const c of cols) {
    const col = ident(c.column_name);
    const v = `nullif(btrim(${col}), '')`;
    const lv = `lower(${v})`;
    const { rows } = await db.pool.query(
      `select count(*)::bigint as rows, count(${v})::bigint as non_null, count(distinct ${v})::bigint as distinct_count,
              max(length(${col}))::int as max_length,
              count(*) filter (where ${lv} ~ ${lit(RE.checkbox)})::bigint as n_checkbox,
              count(*) filter (where ${lv} ~ ${lit(RE.number)})::bigint as n_number,
              count(*) filter (where ${v} ~ ${lit(RE.integer)})::bigint as n_integer,
              count(*) filter (where ${lv} ~ ${lit(RE.number)} and ${lv} ~ ${lit(RE.money)})::bigint as n_money,
              count(*) filter (where ${lv} ~ ${lit(RE.date)})::bigint as n_date,
              count(*) filter (where ${lv} ~ ${lit(RE.email)})::bigint as n_email,
              count(*) filter (where ${v} ~ ${lit(RE.phone)} and length(regexp_replace(${v}, '\\D', '', 'g')) between 7 and 15)::bigint as n_phone,
              count(*) filter (where ${col} ~ '[\\r\\n]')::bigint as n_multiline
         from ${ident(schema)}.${ident(c.object)}`,
    );
    const s = rows[0];
    const nn = Number(s.non_null);
    const share = (k: string) => (nn ? Number(s[k]) / nn : 0);
    const distinct = Number(s.distinct_count);
    let type: InferredType = 'text';
    let evidence: string;
    const pct = (k: string) => `${Math.round(share(k) * 100)}% of ${nn} values`;
    if (nn === 0) {
      evidence = 'no values in the export; text by default';
    } else if (share('n_checkbox') >= SHARE && distinct <= 12 && share('n_integer') < 1) {
      type = 'checkbox';
      evidence = `${pct('n_checkbox')} are yes/no-like, ${distinct} distinct`;
    } else if (share('n_checkbox') === 1 && distinct <= 2) {
      type = 'checkbox';
      evidence = `all values are 1/0-like, ${distinct} distinct`;
    } else if (share('n_date') >= SHARE) {
      type = 'date';
      evidence = `${pct('n_date')} read as dates`;
    } else if (share('n_email') >= SHARE) {
      type = 'email';
      evidence = `${pct('n_email')} are email addresses`;
    } else if (share('n_number') >= SHARE) {
      type = 'number';
      evidence = `${pct('n_number')} read as numbers${Number(s.n_money) ? ' (some with a currency)' : ''}`;
    } else if (share('n_phone') >= SHARE) {
      type = 'phone';
      evidence = `${pct('n_phone')} read as phone numbers`;
    } else if ((s.max_length ?? 0) > LONG_TEXT || Number(s.n_multiline) > 0) {
      type = 'long_text';
      evidence = `longest value ${s.max_length} characters${Number(s.n_multiline) ? `, ${s.n_multiline} with line breaks` : ''}`;
    } else if (distinct <= PICKLIST_MAX && nn >= 4 && distinct <= nn / 2) {
      type = 'picklist';
      evidence = `${distinct} distinct values repeat across ${nn} rows`;
    } else {
      evidence = `${distinct} distinct values of ${nn}, longest ${s.max_length} characters`;
    }
    const { rows: samples } = await db.pool.query(
      `select ${v} as v, count(*) as n from ${ident(schema)}.${ident(c.object)} where ${v} is not null group by 1 order by 2 desc, 1 limit 5`,
    );
    const { rows: longest } = await db.pool.query(
      `select ${col} as v from ${ident(schema)}.${ident(c.object)} where ${col} is not null order by length(${col}) desc, _line limit 1`,
    );
    const total = Number(s.rows);
    out.push({
      source: source.name,
      object: c.object,
      column_name: c.column_name,
      header: c.header,
      is_custom: c.is_custom,
      ordinal: c.ordinal,
      inferred_type: type,
      rows: total,
      non_null: nn,
      null_share: total ? Math.round(((total - nn) / total) * 1000) / 1000 : 0,
      distinct_count: distinct,
      max_length: s.max_length,
      longest_value: longest[0]?.v ? String(longest[0].v).slice(0, 500) : null,
      sample_values: samples.map((r) => String(r.v).slice(0, 100)),
      evidence,
      integers: nn > 0 && Number(s.n_integer) === nn,
      money: Number(s.n_money) > 0,
    });
  }
  return out;
}

export async function saveProfiles(db: Db, source: string, profiles: ColumnProfile[], runId?: number): Promise<void> {
  await inTransaction(db, async (client) => {
    await client.query(`delete from etl.column_profiles where source = $1`, [source]);
    for (const p of profiles) {
      await client.query(
        `insert into etl.column_profiles (source, object, column_name, header, is_custom, ordinal, inferred_type, rows, non_null,
           null_share, distinct_count, max_length, longest_value, sample_values, run_id)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
        [p.source, p.object, p.column_name, p.header, p.is_custom, p.ordinal, p.inferred_type, p.rows, p.non_null,
          p.null_share, p.distinct_count, p.max_length, p.longest_value, p.sample_values, runId ?? null],
      );
    }
  });
}
