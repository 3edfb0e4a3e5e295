/**
 * Secrets never leave the process in logs, reports, errors or --json output. Every value of
 * a secret environment variable is masked wherever text is written.
 */
const SECRET_VARS = ['ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_CLIENT_ID', 'NUTSHELL_API_KEY'];
const extra = new Set<string>();

/** Register a secret obtained at run time (an access token). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) extra.add(value);
}

export function redactSecrets(text: string): string {
  let out = text;
  const values = [...SECRET_VARS.map((k) => process.env[k]), ...extra].filter((v): v is string => !!v && v.length >= 6);
  for (const v of values) out = out.split(v).join('***');
  // Passwords in connection strings.
  out = out.replace(/(postgres(?:ql)?:\/\/[^:/\s]+:)[^@\s]+@/g, '$1***@');
  // Zoho access/refresh tokens have a recognisable shape.
  out = out.replace(/\b1000\.[0-9a-f]{16,}\.[0-9a-f]{8,}\b/g, '1000.***');
  return out;
}
