/**
 * Custom-field values arrive as text (`_custom` jsonb of the view); the destination field has a
 * type. Convert, or say why not (the loader rejects the record naming the field).
 */
export type Converted = { ok: true; value: unknown } | { ok: false; message: string };

const NUMBER_TYPES = new Set(['number', 'double', 'currency', 'percent', 'decimal']);

function parseNumber(s: string): number | undefined {
  // Thousands separators, spaces and a leading currency symbol/code are how exports write money.
  const t = s.replace(/[\s,\u00a0]/g, '').replace(/^(?:[A-Z]{1,3}|[R$€£¥])(?=[-\d.])/, '').replace(/%$/, '');
  if (!/^-?(?:\d+\.?\d*|\.\d+)$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function isRealDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function parseDate(s: string): string | undefined {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:\s.*)?$/.exec(s))) [y, mo, d] = [Number(m[3]), Number(m[2]), Number(m[1])];
  else return undefined;
  if (!isRealDate(y, mo, d)) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function convertCustomValue(raw: unknown, type: string): Converted {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const s = String(raw).trim();
  if (s === '') return { ok: true, value: null };
  const t = type.toLowerCase();
  if (NUMBER_TYPES.has(t) || t === 'integer' || t === 'bigint') {
    const n = parseNumber(s);
    if (n === undefined) return { ok: false, message: `"${s}" is not a number` };
    if (t === 'integer' && !Number.isInteger(n)) return { ok: false, message: `"${s}" is not a whole number` };
    if (t === 'bigint') return Number.isInteger(n) ? { ok: true, value: String(n) } : { ok: false, message: `"${s}" is not a whole number` };
    return { ok: true, value: n };
  }
  if (t === 'date') {
    const d = parseDate(s);
    return d ? { ok: true, value: d } : { ok: false, message: `"${s}" is not a date (yyyy-mm-dd or dd/mm/yyyy)` };
  }
  if (t === 'datetime') {
    const d = parseDate(s);
    if (!d) return { ok: false, message: `"${s}" is not a date-time` };
    const time = /[T ](\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(s);
    const hh = time ? time[1]!.padStart(2, '0') : '00';
    const offset = /([+-]\d{2}:?\d{2}|Z)$/.exec(s)?.[1];
    const off = !offset || offset === 'Z' ? '+00:00' : offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
    return { ok: true, value: `${d}T${hh}:${time?.[2] ?? '00'}:${time?.[3] ?? '00'}${off}` };
  }
  if (t === 'boolean' || t === 'checkbox') {
    if (/^(yes|y|true|t|1|on|x|ja)$/i.test(s)) return { ok: true, value: true };
    if (/^(no|n|false|f|0|off|nee)$/i.test(s)) return { ok: true, value: false };
    return { ok: false, message: `"${s}" is not yes/no` };
  }
  if (t === 'multiselectpicklist') return { ok: true, value: s.split(/\s*[;|]\s*/).filter(Boolean) };
  return { ok: true, value: s };
}
