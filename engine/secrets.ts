/**
 * Secrets never leave the process in logs, reports, errors or --json output. Every value of
 * a secret environment variable is masked wherever text is written. Which variables are secret,
 * and what a token of theirs looks like, each destination says (DestinationFactory.secrets);
 * the CLI registers those of every pipeline it knows before it writes anything, and a step run
 * on its own registers its pipeline's before it connects.
 */
import type { DestinationSecrets } from './destination.ts';

const variables = new Set<string>();
const tokens = new Map<string, { pattern: RegExp; mask: string }>();
const extra = new Set<string>();

/** Register what a destination declares secret (idempotent). */
export function registerSecrets(s: DestinationSecrets | undefined): void {
  if (!s) return;
  for (const v of s.variables) variables.add(v);
  for (const t of s.tokens ?? []) tokens.set(`${t.pattern.source}/${t.pattern.flags}`, t);
}

/** Register a secret obtained at run time (an access token). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) extra.add(value);
}

export function redactSecrets(text: string): string {
  let out = text;
  const values = [...[...variables].map((k) => process.env[k]), ...extra].filter((v): v is string => !!v && v.length >= 6);
  for (const v of values) out = out.split(v).join('***');
  // Passwords in connection strings.
  out = out.replace(/(postgres(?:ql)?:\/\/[^:/\s]+:)[^@\s]+@/g, '$1***@');
  // Tokens of a recognisable shape (a destination's access and refresh tokens).
  for (const t of tokens.values()) out = out.replace(t.pattern, t.mask);
  return out;
}
