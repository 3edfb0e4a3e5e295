/**
 * COQL subset (reference §4.7): `select a, b from Module where <cond> [order by x [asc|desc]]
 * [limit [offset,] count]` with =, !=, <, <=, >, >=, like, not like, in, not in, is [not] null,
 * between, and/or with parentheses. Lookup columns return {name,id}. No joins or aggregates.
 */
import { fail, readJson, send, type Ctx } from './http.ts';
import { loadModule } from './model.ts';

type Tok = { t: 'id' | 'str' | 'num' | 'p'; v: string };
type Expr = { kind: 'and' | 'or'; a: Expr; b: Expr } | { kind: 'cond'; col: string; op: string; vals: (string | number)[] };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= q.length) throw fail(400, 'SYNTAX_ERROR', 'unterminated string', { near: q.slice(-20) });
        if (q[i] === "'" && q[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (q[i] === "'") {
          i++;
          break;
        } else s += q[i++];
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(q.slice(i));
    if (num && !/[A-Za-z_]/.test(q[i + num[0].length] ?? '')) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const op = /^(!=|<=|>=|=|<|>|\(|\)|,)/.exec(q.slice(i));
    if (op) {
      out.push({ t: 'p', v: op[1]! });
      i += op[1]!.length;
      continue;
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_$.]*/.exec(q.slice(i));
    if (!id) throw fail(400, 'SYNTAX_ERROR', 'syntax error', { near: q.slice(i, i + 20) });
    out.push({ t: 'id', v: id[0] });
    i += id[0].length;
  }
  return out;
}

export async function runCoql(ctx: Ctx): Promise<void> {
  const body = await readJson(ctx);
  const q = body.select_query;
  if (typeof q !== 'string' || !q.trim()) throw fail(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'select_query' });
  const toks = tokenize(q);
  let i = 0;
  const peek = (v?: string) => (v === undefined ? toks[i] : toks[i] && toks[i]!.v.toLowerCase() === v ? toks[i] : undefined);
  const expect = (v: string, clause: string) => {
    if (!peek(v)) throw fail(400, 'SYNTAX_ERROR', `missing ${v}`, { clause, near: toks[i]?.v ?? '' });
    i++;
  };
  expect('select', 'select');
  const cols: string[] = [];
  do {
    const t = toks[i++];
    if (!t || t.t !== 'id') throw fail(400, 'SYNTAX_ERROR', 'invalid select column', { clause: 'select', near: t?.v ?? '' });
    if (cols.includes(t.v)) throw fail(400, 'DUPLICATE_DATA', 'duplicate column in select', { column_name: t.v });
    cols.push(t.v);
  } while (peek(',') && ++i);
  expect('from', 'from');
  const modName = toks[i++]?.v ?? '';
  const mod = await loadModule(ctx.pool, modName);
  if (!mod) throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { module: modName });
  for (const c of cols) if (c !== 'id' && !mod.fields.has(c)) throw fail(400, 'INVALID_QUERY', 'invalid query formed', { column_name: c, reason: 'invalid column' });
  if (!peek('where')) throw fail(400, 'SYNTAX_ERROR', 'missing clause', { clause: 'where' });
  i++;

  const value = (): string | number => {
    const t = toks[i++];
    if (!t || (t.t !== 'str' && t.t !== 'num' && !['true', 'false', 'null'].includes(t.v.toLowerCase()))) throw fail(400, 'SYNTAX_ERROR', 'invalid value', { clause: 'where', near: t?.v ?? '' });
    return t.t === 'num' ? Number(t.v) : t.v;
  };
  const cond = (): Expr => {
    if (peek('(')) {
      i++;
      const e = orExpr();
      expect(')', 'where');
      return e;
    }
    const col = toks[i++];
    if (!col || col.t !== 'id') throw fail(400, 'SYNTAX_ERROR', 'invalid column', { clause: 'where', near: col?.v ?? '' });
    if (col.v !== 'id' && !mod.fields.has(col.v.split('.')[0]!)) throw fail(400, 'INVALID_QUERY', 'invalid query formed', { column_name: col.v, reason: 'invalid column' });
    const t = toks[i++];
    const o = t?.v.toLowerCase() ?? '';
    if (['=', '!=', '<', '<=', '>', '>=', 'like'].includes(o)) return { kind: 'cond', col: col.v, op: o, vals: [value()] };
    if (o === 'not' && peek('like')) {
      i++;
      return { kind: 'cond', col: col.v, op: 'not like', vals: [value()] };
    }
    if (o === 'is') {
      const not = !!peek('not');
      if (not) i++;
      expect('null', 'where');
      return { kind: 'cond', col: col.v, op: not ? 'is not null' : 'is null', vals: [] };
    }
    if (o === 'between' || (o === 'not' && peek('between'))) {
      if (o === 'not') i++;
      const lo = value();
      expect('and', 'where');
      return { kind: 'cond', col: col.v, op: o === 'not' ? 'not between' : 'between', vals: [lo, value()] };
    }
    if (o === 'in' || (o === 'not' && peek('in'))) {
      if (o === 'not') i++;
      expect('(', 'where');
      const vals = [value()];
      while (peek(',')) {
        i++;
        vals.push(value());
      }
      expect(')', 'where');
      if (vals.length > 100) throw fail(400, 'LIMIT_EXCEEDED', 'in clause exceeds 100 values', { limit: 100 });
      return { kind: 'cond', col: col.v, op: o === 'not' ? 'not in' : 'in', vals };
    }
    throw fail(400, 'SYNTAX_ERROR', 'invalid operator', { clause: 'where', operator: t?.v ?? '' });
  };
  const andExpr = (): Expr => {
    let e = cond();
    while (peek('and')) {
      i++;
      e = { kind: 'and', a: e, b: cond() };
    }
    return e;
  };
  const orExpr = (): Expr => {
    let e = andExpr();
    while (peek('or')) {
      i++;
      e = { kind: 'or', a: e, b: andExpr() };
    }
    return e;
  };
  const where = orExpr();
  let order: { col: string; desc: boolean } | undefined;
  if (peek('order')) {
    i++;
    expect('by', 'order by');
    const col = toks[i++]?.v ?? 'id';
    let desc = false;
    if (peek('asc')) i++;
    else if (peek('desc')) {
      i++;
      desc = true;
    }
    order = { col, desc };
  }
  let offset = 0;
  let count = 200;
  if (peek('limit')) {
    i++;
    const a = Number(toks[i++]?.v);
    if (peek(',')) {
      i++;
      offset = a;
      count = Number(toks[i++]?.v);
    } else count = a;
    if (peek('offset')) {
      i++;
      offset = Number(toks[i++]?.v);
    }
    if (!Number.isInteger(count) || !Number.isInteger(offset) || count < 1) throw fail(400, 'SYNTAX_ERROR', 'invalid limit', { clause: 'limit' });
    if (count > 2000) throw fail(400, 'LIMIT_EXCEEDED', 'limit exceeds 2000', { limit: 2000 });
    if (offset + count > 100000) throw fail(400, 'LIMIT_EXCEEDED', 'offset exceeds the limit', { limit: 100000 });
  }
  if (i !== toks.length) throw fail(400, 'SYNTAX_ERROR', 'syntax error', { near: toks[i]!.v });
  ctx.credits = count <= 200 ? 1 : count <= 1000 ? 2 : 3;

  const { rows } = await ctx.pool.query('select id, data from sandbox_zoho.records where module = $1', [mod.api_name]);
  const get = (r: { id: string; data: Record<string, unknown> }, col: string): unknown => {
    if (col === 'id') return r.id;
    const v = r.data[col];
    if (v && typeof v === 'object' && !Array.isArray(v)) return (v as { id?: unknown }).id;
    if (Array.isArray(v)) return v.join(';');
    return v;
  };
  const lc = (x: unknown) => String(x).toLowerCase();
  const like = (s: unknown, pat: string) => new RegExp(`^${pat.split('%').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(String(s ?? ''));
  const evalE = (e: Expr, r: { id: string; data: Record<string, unknown> }): boolean => {
    if (e.kind !== 'cond') return e.kind === 'and' ? evalE(e.a, r) && evalE(e.b, r) : evalE(e.a, r) || evalE(e.b, r);
    const v = get(r, e.col);
    const isNull = v === undefined || v === null || v === '';
    const x = e.vals[0];
    const num = typeof x === 'number';
    const c = (y: unknown) => (num ? Number(v) - Number(y) : lc(v) < lc(y) ? -1 : lc(v) > lc(y) ? 1 : 0);
    switch (e.op) {
      case 'is null':
        return isNull;
      case 'is not null':
        return !isNull;
      case '=':
        return !isNull && c(x) === 0;
      case '!=':
        return isNull || c(x) !== 0;
      case '<':
        return !isNull && c(x) < 0;
      case '<=':
        return !isNull && c(x) <= 0;
      case '>':
        return !isNull && c(x) > 0;
      case '>=':
        return !isNull && c(x) >= 0;
      case 'like':
        return !isNull && like(v, String(x));
      case 'not like':
        return isNull || !like(v, String(x));
      case 'in':
        return !isNull && e.vals.some((y) => c(y) === 0);
      case 'not in':
        return isNull || !e.vals.some((y) => c(y) === 0);
      case 'between':
        return !isNull && c(e.vals[0]) >= 0 && c(e.vals[1]) <= 0;
      case 'not between':
        return isNull || c(e.vals[0]) < 0 || c(e.vals[1]) > 0;
      default:
        return false;
    }
  };
  let hits = rows.filter((r) => evalE(where, r));
  const o = order ?? { col: 'id', desc: false };
  hits.sort((a, b) => {
    const x = get(a, o.col);
    const y = get(b, o.col);
    const r = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '') < String(y ?? '') ? -1 : String(x ?? '') > String(y ?? '') ? 1 : 0;
    return o.desc ? -r : r;
  });
  const total = hits.length;
  hits = hits.slice(offset, offset + count);
  if (!hits.length) return send(ctx, 204);
  const names = new Map<string, string>();
  for (const r of (await ctx.pool.query('select id, full_name from sandbox_zoho.users')).rows) names.set(r.id, r.full_name);
  ctx.records = hits.length;
  send(ctx, 200, {
    data: hits.map((r) => {
      const out: Record<string, unknown> = {};
      for (const c of cols) {
        const v = c === 'id' ? r.id : r.data[c];
        out[c] = v && typeof v === 'object' && !Array.isArray(v) ? { name: names.get(String((v as { id: unknown }).id)) ?? null, id: (v as { id: unknown }).id } : (v ?? null);
      }
      out.id = r.id;
      return out;
    }),
    info: { count: hits.length, more_records: offset + count < total },
  });
}
