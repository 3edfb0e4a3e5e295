/**
 * Every flag the command line knows: its name, the StepFlags key it fills, its help line and
 * the zod schema its value must pass. Steps name the flags they take (engine/steps/catalog.ts);
 * the parser refuses any other. This module stays light (zod only): `--help` and `list` load it
 * without the database or the destinations.
 */
import { z } from 'zod';

export interface FlagSpec {
  /** Long name without the dashes: `fallback-owner`. */
  name: string;
  /** Where the value goes in StepFlags: `fallbackOwner`. */
  key: string;
  /** Placeholder of the value in help (`DIR`); absent for a switch. */
  arg?: string;
  help: string;
  /** Validates and normalises the value (a string as typed; switches are booleans). */
  schema: z.ZodType;
  /** May be given more than once; the values are kept in order. */
  repeatable?: boolean;
}

const flag = (name: string, key: string, arg: string | undefined, help: string, schema: z.ZodType, repeatable = false): FlagSpec => ({ name, key, arg, help, schema, repeatable });
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** An IANA zone as Intl knows it, in its canonical spelling (`africa/johannesburg` -> `Africa/Johannesburg`). */
export function canonicalTimeZone(zone: string): string | undefined {
  // Fixed offsets (`+02:00`) are not zones: a zone also knows its daylight-saving rules.
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(zone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

export const FLAGS: Record<string, FlagSpec> = Object.fromEntries(
  [
    flag('json', 'json', undefined, 'print one JSON summary object on stdout (logs stay on stderr)', z.boolean()),
    flag('log-format', 'logFormat', 'text|json', 'log lines on stderr as text (default) or one JSON object per line', z.enum(['text', 'json'])),
    flag('input', 'input', 'DIR', 'export folder (extract/delta: default the bundled sample; load/sample: the folder the last extract read)', z.string().min(1)),
    flag('encoding', 'encoding', 'utf8|windows1252', 'read the export in this encoding instead of detecting it', z.enum(['utf8', 'windows1252'])),
    flag(
      'delimiter',
      'delimiter',
      'C',
      'field delimiter instead of detecting it (one character, or "tab")',
      z
        .string()
        .transform((d) => (d === '\\t' || d === 'tab' ? '\t' : d))
        .refine((d) => d.length === 1, 'must be one character (or "tab")'),
    ),
    flag('date-order', 'dateOrder', 'dmy|mdy', 'how the export writes ambiguous dates: 03/04 is 3 April (dmy) or March 4 (mdy)', z.enum(['dmy', 'mdy'])),
    flag(
      'timezone',
      'timezone',
      'ZONE',
      'IANA time zone the export\'s local times are in (e.g. Africa/Johannesburg)',
      z.string().transform((zone, c) => {
        const canonical = canonicalTimeZone(zone);
        if (!canonical) c.addIssue({ code: 'custom', message: `"${zone}" is not an IANA time zone (e.g. Europe/Amsterdam, America/New_York, UTC)` });
        return canonical ?? zone;
      }),
    ),
    flag(
      'phone-country',
      'phoneCountry',
      'CC',
      'country of phone numbers written without a country code (ISO 3166-1 alpha-2, e.g. ZA)',
      // Which alpha-2 codes have a numbering plan is checked against libphonenumber by the parser
      // (engine/cli/parse.ts), which loads that table only when the flag is given.
      z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166-1 country code (e.g. ZA, US, NL)'),
    ),
    flag('decimal-separator', 'decimalSeparator', '.|,', 'decimal separator of the export\'s amounts: "." (1234.50) or "," (1234,50)', z.enum(['.', ','])),
    flag(
      'currency',
      'currency',
      'CODE',
      'currency of amounts that do not name one (ISO 4217, e.g. ZAR)',
      z
        .string()
        .trim()
        .toUpperCase()
        .refine((c) => /^[A-Z]{3}$/.test(c) && currencies.has(c), 'must be a three-letter ISO 4217 currency code (e.g. ZAR, USD, EUR)'),
    ),
    flag('force', 'force', undefined, 'extract: re-land files even when unchanged; transform: rebuild every model', z.boolean()),
    flag('select', 'select', 'MODEL[+]', 'transform only MODEL (schema.name; with +, everything downstream too); repeatable', z.array(z.string().min(1)), true),
    flag('out', 'out', 'DIR', 'where reports and documents go (default out/<pipeline>)', z.string().min(1)),
    flag('apply', 'apply', undefined, 'make the planned schema changes (the sandbox applies them without it)', z.boolean()),
    flag('strict-gates', 'strictGates', undefined, 'stop at gates that need a person even on the sandbox (exit 3)', z.boolean()),
    flag('fallback-owner', 'fallbackOwner', 'EMAIL', 'destination user who owns records whose owner has no destination user', z.string().email().transform((e) => e.toLowerCase())),
    flag('workers', 'workers', 'N', 'load chunks this process runs at once, 1-64 (processes on the same database share one load)', wholeNumber(1, 64)),
    flag(
      'reject-threshold',
      'rejectThreshold',
      'F',
      'exit 1 when more than this share (0-1, default 0.5) of an object\'s records is rejected',
      z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
    ),
    flag('size', 'size', 'N', 'records per object in the sample (default 200)', wholeNumber(1)),
    flag('run', 'run', 'ID', 'the run meant (a run id from etl.runs)', wholeNumber(1)),
    flag('all', 'all', undefined, 'every run of the pipeline', z.boolean()),
    flag('by', 'by', 'NAME', 'who signs off the sample', z.string().trim().min(1, 'must name a person')),
    flag('port', 'port', 'N', 'port to listen on (0: any free port)', wholeNumber(0, 65535)),
    flag('host', 'host', 'ADDR', 'address to listen on (default 127.0.0.1)', z.string().min(1)),
  ].map((f) => [f.name, f]),
);

/** Flags every command takes. */
export const GLOBAL_FLAGS = ['json', 'log-format'];

/** The source's reading conventions (extract, delta and the all-steps run take them). */
export const CONVENTION_FLAGS = ['date-order', 'timezone', 'phone-country', 'decimal-separator', 'currency'];

/** `--select a --select b` keeps both. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
