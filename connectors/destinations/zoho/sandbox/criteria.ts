/** Search-API criteria: `((Field:operator:value)and(...))` parsing and matching (reference §4.6). */
import { fail } from './http.ts';
import type { ModuleMeta } from './model.ts';

export type Crit = { kind: 'cond'; field: string; op: string; value: string; type: string } | { kind: 'group'; join: 'and' | 'or'; items: Crit[] };

const OPS_BY_TYPE: Record<string, string[]> = {
  text: ['equals', 'not_equal', 'starts_with', 'in'],
  picklist: ['equals', 'not_equal', 'in'],
  number: ['equals', 'not_equal', 'greater_than', 'greater_equal', 'less_than', 'less_equal', 'between', 'in'],
  boolean: ['equals', 'not_equal'],
  lookup: ['equals', 'not_equal', 'in'],
};

function family(dataType: string): string {
  if (['text', 'email', 'phone', 'website', 'textarea'].includes(dataType)) return 'text';
  if (['picklist', 'multiselectpicklist'].includes(dataType)) return 'picklist';
  if (['integer', 'bigint', 'double', 'currency', 'percent', 'date', 'datetime'].includes(dataType)) return 'number';
  if (dataType === 'boolean') return 'boolean';
  return 'lookup';
}

export function parseCriteria(src: string, mod: ModuleMeta): Crit {
  let i = 0;
  let conditions = 0;
  const bad = (reason: string) => fail(400, 'INVALID_QUERY', 'invalid query formed', { reason, near: src.slice(i, i + 20) });
  const group = (): Crit => {
    if (src[i] !== '(') throw bad('expected (');
    i++;
    if (src[i] === '(') {
      const items: Crit[] = [group()];
      let join: 'and' | 'or' | undefined;
      while (src[i] !== ')') {
        const m = /^(and|or)/i.exec(src.slice(i));
        if (!m) throw bad('expected and/or');
        const j = m[1]!.toLowerCase() as 'and' | 'or';
        if (join && join !== j) throw bad('mixed and/or without parentheses');
        join = j;
        i += m[1]!.length;
        items.push(group());
      }
      i++;
      return items.length === 1 ? items[0]! : { kind: 'group', join: join ?? 'and', items };
    }
    let raw = '';
    while (i < src.length && src[i] !== ')') {
      if (src[i] === '\\' && i + 1 < src.length) {
        raw += src[i + 1];
        i += 2;
        continue;
      }
      raw += src[i++];
    }
    if (src[i] !== ')') throw bad('unbalanced parentheses');
    i++;
    const first = raw.indexOf(':');
    const second = raw.indexOf(':', first + 1);
    if (first < 0 || second < 0) throw bad('condition must be field:operator:value');
    const field = raw.slice(0, first);
    const op = raw.slice(first + 1, second);
    const value = raw.slice(second + 1);
    const meta = field === 'id' ? { data_type: 'bigint' } : mod.fields.get(field);
    if (!meta) throw fail(400, 'INVALID_QUERY', 'invalid query formed', { api_name: field, reason: 'invalid field' });
    const fam = family(meta.data_type);
    if (!(OPS_BY_TYPE[fam] ?? []).includes(op)) throw fail(400, 'INVALID_QUERY', 'invalid query formed', { api_name: field, operator: op, reason: 'invalid operator for the field type' });
    if (++conditions > 10) throw fail(400, 'LIMIT_EXCEEDED', 'criteria exceeds 10 conditions', { limit: 10 });
    return { kind: 'cond', field, op, value, type: fam };
  };
  const c = group();
  if (i !== src.length) throw bad('trailing characters');
  return c;
}

function cmp(a: unknown, b: string, type: string): number {
  if (type === 'number') {
    const x = Number(a);
    const y = Number(b);
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  }
  const s = String(a ?? '');
  return s < b ? -1 : s > b ? 1 : 0;
}

export function matchCriteria(c: Crit, rec: Record<string, unknown>, id: string): boolean {
  if (c.kind === 'group') return c.join === 'and' ? c.items.every((x) => matchCriteria(x, rec, id)) : c.items.some((x) => matchCriteria(x, rec, id));
  let v = c.field === 'id' ? id : rec[c.field];
  if (v && typeof v === 'object' && !Array.isArray(v)) v = (v as { id?: unknown }).id;
  const lc = (x: unknown) => String(x ?? '').toLowerCase();
  const eq = (x: unknown, y: string) => (Array.isArray(x) ? x.some((e) => lc(e) === y.toLowerCase()) : c.type === 'number' ? cmp(x, y, 'number') === 0 : lc(x) === y.toLowerCase());
  switch (c.op) {
    case 'equals':
      return v !== undefined && v !== null && eq(v, c.value);
    case 'not_equal':
      return !(v !== undefined && v !== null && eq(v, c.value));
    case 'starts_with':
      return lc(v).startsWith(c.value.toLowerCase());
    case 'in':
      return c.value.split(',').some((x) => v !== undefined && v !== null && eq(v, x));
    case 'greater_than':
      return v != null && cmp(v, c.value, c.type) > 0;
    case 'greater_equal':
      return v != null && cmp(v, c.value, c.type) >= 0;
    case 'less_than':
      return v != null && cmp(v, c.value, c.type) < 0;
    case 'less_equal':
      return v != null && cmp(v, c.value, c.type) <= 0;
    case 'between': {
      const [lo, hi] = c.value.split(',');
      return v != null && cmp(v, lo ?? '', c.type) >= 0 && cmp(v, hi ?? '', c.type) <= 0;
    }
    default:
      return false;
  }
}
