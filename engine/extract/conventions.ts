/**
 * The conventions an export is read with: the connector declares its source's (date order, time
 * zone, phone country, decimal separator, currency); an export may override any of them with a
 * `conventions.yml` (or `.json`) beside its files, and the command line overrides both
 * (`--date-order`, `--timezone`, `--phone-country`, `--decimal-separator`, `--currency`).
 *
 * Extract stores the result in etl.source_conventions; the staging models read it through
 * stg_<source>.conventions, so every parser of a source follows one declared rule
 * (docs/conventions.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Db } from '../db/connection.ts';
import { CliError } from '../errors.ts';
import type { SourceConnector, SourceConventions } from '../source.ts';

/** File names looked for in the export folder, in this order. */
export const CONVENTIONS_FILES = ['conventions.yml', 'conventions.yaml', 'conventions.json'];

export type ConventionOrigin = 'connector' | `file ${string}` | 'flag';

export interface ResolvedConventions extends SourceConventions {
  /** Where each setting came from. */
  origin: Record<keyof SourceConventions, ConventionOrigin>;
}

/** A zone both Node and the server know (`Intl` throws RangeError on an unknown one). */
function knownZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const settings = z
  .object({
    date_order: z.enum(['dmy', 'mdy'], { message: 'must be dmy (day first) or mdy (month first)' }),
    timezone: z.string().refine(knownZone, 'is not an IANA time zone (e.g. Africa/Johannesburg, America/New_York, UTC)'),
    phone_country: z
      .string()
      .transform((s) => s.toUpperCase())
      .refine((s) => /^[A-Z]{2}$/.test(s), 'must be a two-letter ISO 3166 country code (ZA, US, CA ...)'),
    decimal_separator: z.enum(['.', ','], { message: 'must be "." or ","' }),
    currency: z
      .string()
      .transform((s) => s.toUpperCase())
      .refine((s) => /^[A-Z]{3}$/.test(s), 'must be a three-letter ISO 4217 code (ZAR, USD, CAD ...)'),
  })
  .partial()
  .strict();

type Settings = z.infer<typeof settings>;

const KEYS: [keyof Settings, keyof SourceConventions][] = [
  ['date_order', 'dateOrder'],
  ['timezone', 'timezone'],
  ['phone_country', 'phoneCountry'],
  ['decimal_separator', 'decimalSeparator'],
  ['currency', 'currency'],
];

/** Overrides given on the command line (StepFlags names). */
export interface ConventionFlags {
  dateOrder?: string;
  timezone?: string;
  phoneCountry?: string;
  decimalSeparator?: string;
  currency?: string;
}

function validated(raw: unknown, where: string): Settings {
  const r = settings.safeParse(raw ?? {});
  if (!r.success)
    throw new CliError(
      'CONVENTIONS_INVALID',
      `${where}: ${r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')} ${i.message}` : i.message)).join('; ')}. ` +
        `Allowed keys: ${KEYS.map(([k]) => k).join(', ')} (docs/conventions.md).`,
    );
  return r.data;
}

/** The conventions file of an export folder, if it has one. */
export function conventionsFile(input: string): string | undefined {
  for (const f of CONVENTIONS_FILES) {
    const p = path.join(input, f);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Connector defaults, overridden by the export's conventions file, overridden by flags. */
export function resolveConventions(source: SourceConnector, input: string | undefined, flags: ConventionFlags = {}): ResolvedConventions {
  const out = { ...source.conventions, origin: {} } as ResolvedConventions;
  for (const [, k] of KEYS) out.origin[k] = 'connector';
  const file = input ? conventionsFile(input) : undefined;
  if (file) {
    let raw: unknown;
    try {
      const text = readFileSync(file, 'utf8');
      raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (err) {
      throw new CliError('CONVENTIONS_INVALID', `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'} (${(err as Error).message.split('\n')[0]})`, { cause: err });
    }
    const s = validated(raw, file);
    for (const [sk, k] of KEYS)
      if (s[sk] !== undefined) {
        (out as unknown as Record<string, unknown>)[k] = s[sk];
        out.origin[k] = `file ${file}`;
      }
  }
  const fromFlags = validated(
    Object.fromEntries(KEYS.filter(([, k]) => flags[k] !== undefined).map(([sk, k]) => [sk, flags[k]])),
    'command line',
  );
  for (const [sk, k] of KEYS)
    if (fromFlags[sk] !== undefined) {
      (out as unknown as Record<string, unknown>)[k] = fromFlags[sk];
      out.origin[k] = 'flag';
    }
  return out;
}

/** One line for the log: `dmy, Africa/Johannesburg, phones ZA, decimal ",", ZAR`. */
export function describeConventions(c: SourceConventions): string {
  return `dates ${c.dateOrder === 'dmy' ? 'day first' : 'month first'}, times in ${c.timezone}, phones ${c.phoneCountry}, decimal "${c.decimalSeparator}", ${c.currency}`;
}

/**
 * Record the conventions the source's landed export is read with. `onlyIfMissing` keeps what an
 * extract recorded (transform fills in the connector's defaults for a database no extract wrote).
 */
export async function saveConventions(
  db: Db,
  source: string,
  c: ResolvedConventions,
  opts: { pipeline?: string; runId?: number; onlyIfMissing?: boolean } = {},
): Promise<void> {
  const zone = await db.pool.query(`select exists (select 1 from pg_timezone_names where name = $1) as ok`, [c.timezone]);
  if (!zone.rows[0].ok)
    throw new CliError('CONVENTIONS_INVALID', `time zone ${c.timezone} (${c.origin.timezone}) is not known to the PostgreSQL server; use a name from pg_timezone_names.`);
  await db.pool.query(
    `insert into etl.source_conventions (source, date_order, timezone, phone_country, decimal_separator, currency, origin, pipeline, run_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (source) do ${
       opts.onlyIfMissing
         ? 'nothing'
         : `update set date_order = excluded.date_order, timezone = excluded.timezone, phone_country = excluded.phone_country,
              decimal_separator = excluded.decimal_separator, currency = excluded.currency, origin = excluded.origin,
              pipeline = excluded.pipeline, run_id = excluded.run_id, updated_at = now()`
     }`,
    [source, c.dateOrder, c.timezone, c.phoneCountry, c.decimalSeparator, c.currency, JSON.stringify(c.origin), opts.pipeline ?? null, opts.runId ?? null],
  );
}

/** The conventions recorded for a source, or undefined when none were. */
export async function savedConventions(db: Db, source: string): Promise<SourceConventions | undefined> {
  const r = await db.pool.query(
    `select date_order, timezone, phone_country, decimal_separator, currency from etl.source_conventions where source = $1`,
    [source],
  );
  const row = r.rows[0];
  return row
    ? { dateOrder: row.date_order, timezone: row.timezone, phoneCountry: row.phone_country, decimalSeparator: row.decimal_separator, currency: row.currency }
    : undefined;
}
