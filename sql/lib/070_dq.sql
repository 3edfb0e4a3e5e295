-- Data-quality findings. Views in dq_<source> / dq_<pipeline> schemas return one row per
-- finding with at least these columns (docs/models.md):
--   category text, severity text ('error'|'warning'|'info'), object text, source_key text,
--   field text, value text, message text
-- and, where the view knows them, file text and line bigint (the export file and line of the
-- record the finding is about).
-- lib.dq_findings unions every such view of the schemas given, naming the view each row came
-- from (dq_view). Rules:
--   * views whose name starts with "_" are helpers, not findings, and are left out;
--   * a finding repeated in several views (a view that unions the others, say) is counted
--     once, under the most specific view;
--   * severity is lower-cased, "warn" read as warning; any other value is kept as written;
--   * a view without file and line has them found from the record's key: the helper views
--     _record_lines* of the schemas given (object, id, file, line: every landed row of every
--     export file with an id, engine/extract/lineage.ts; a pipeline's merged records, links
--     and definitions in views of its own) matched on (object, source_key), on
--     a source_key written <object>:<id>, or on a destination key <load object>:<id> when one
--     export file only has that id; the last line of an id that repeats (the row used);
--   * the column is named as this export's header writes it: a connector header the export
--     wrote another way (an alias, another case: the helper view _headers_written) is replaced
--     by the header as written, in the finding's file; of a field naming several columns
--     ("Name / First Name / Last Name") those the export does not have are left out;
--   * a view breaking the contract (missing columns, another severity) is itself reported
--     as a finding of category dq_view_contract rather than skipped in silence.
drop function if exists lib.dq_findings(text[]);
create or replace function lib.dq_findings(schemas text[])
returns table (dq_view text, category text, severity text, object text, source_key text, field text, value text, message text, file text, line bigint)
language plpgsql stable as $$
declare
  v record;
  cols constant text[] := array['category', 'severity', 'object', 'source_key', 'field', 'value', 'message'];
  parts text[] := '{}';
  contract text[] := '{}';
  bad text;
  lineage text[] := '{}';
  lines text;
  written text[] := '{}';
  heads text;
begin
  for v in
    select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any(schemas) and c.relname like '\_record\_lines%' and c.relkind in ('v', 'r', 'm')
  loop
    -- record_id: rows of a file's own id column (the generated _record_lines), the only ones a
    -- destination key <load object>:<id> is matched to
    lineage := lineage || format('select object::text, id::text, file::text, line::bigint, %L::boolean as record_id from %I.%I', v.t = '_record_lines', v.s, v.t);
  end loop;
  for v in
    select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any(schemas) and c.relname = '_headers_written' and c.relkind in ('v', 'r', 'm')
  loop
    written := written || format('select file::text, canonical::text, header::text from %I.%I', v.s, v.t);
  end loop;
  heads := case when cardinality(written) > 0 then array_to_string(written, ' union all ')
                else 'select null::text as file, null::text as canonical, null::text as header where false' end;
  lines := case when cardinality(lineage) > 0 then array_to_string(lineage, ' union all ')
                else 'select null::text as object, null::text as id, null::text as file, null::bigint as line, false as record_id where false' end;
  for v in
    select c.table_schema as s, c.table_name as t, array_agg(c.column_name::text) as have
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = any(schemas) and t.table_type in ('VIEW', 'BASE TABLE') and c.table_name !~ '^_'
    group by 1, 2 order by 1, 2
  loop
    if v.have @> cols then
      parts := parts || format(
        'select %L::text as dq_view, category::text, case lower(btrim(severity::text)) when ''warn'' then ''warning'' else lower(btrim(severity::text)) end as severity,
                object::text, source_key::text, field::text, value::text, message::text, %s as file, %s as line from %I.%I',
        v.s || '.' || v.t,
        case when v.have @> array['file', 'line'] then 'file::text' else 'null::text' end,
        case when v.have @> array['file', 'line'] then 'line::bigint' else 'null::bigint' end,
        v.s, v.t);
      execute format('select string_agg(distinct coalesce(severity::text, ''(null)''), '', '') from %I.%I
                      where coalesce(lower(btrim(severity::text)), '''') not in (''error'', ''warning'', ''warn'', ''info'')', v.s, v.t) into bad;
      if bad is not null then
        contract := contract || format('select %L::text, ''dq_view_contract''::text, ''error''::text, %L::text, null::text, ''severity''::text, %L::text, %L::text, null::text, null::bigint',
          v.s || '.' || v.t, v.t, bad, format('%s.%s uses severity %s; the contract allows error, warning, info', v.s, v.t, bad));
      end if;
    else
      bad := array_to_string(array(select unnest(cols) except select unnest(v.have) order by 1), ', ');
      contract := contract || format('select %L::text, ''dq_view_contract''::text, ''error''::text, %L::text, null::text, %L::text, null::text, %L::text, null::text, null::bigint',
        v.s || '.' || v.t, v.t, bad, format('%s.%s lacks the finding columns %s; its findings are not in the report (name helper views with a leading _)', v.s, v.t, bad));
    end if;
  end loop;
  if cardinality(parts) > 0 then
    return query execute format($q$
      with f0 as (%s),
      l as (select object, btrim(id) as id, max(file) as file, max(line) as line, bool_or(record_id) as record_id from (%s) x where nullif(btrim(id), '') is not null group by 1, 2),
      lone as (select id, max(file) as file, max(line) as line from l where record_id group by id having count(*) = 1),
      h as (%s),
      f1 as (
        select f0.dq_view, f0.category, f0.severity, f0.object, f0.source_key, f0.field, f0.value, f0.message,
               coalesce(f0.file, l1.file, l2.file, l3.file) as file, coalesce(f0.line, l1.line, l2.line, l3.line) as line
        from f0
        left join l l1 on f0.file is null and l1.object = f0.object and l1.id = btrim(f0.source_key)
        left join l l2 on f0.file is null and l1.id is null and l2.object || ':' || l2.id = btrim(f0.source_key)
        left join lone l3 on f0.file is null and l1.id is null and l2.id is null and l3.id = btrim(substr(f0.source_key, strpos(f0.source_key, ':') + 1))
      ),
      -- the column as this export's header writes it, each part of "First Name / Last Name"
      f as (
        select f1.dq_view, f1.category, f1.severity, f1.object, f1.source_key,
               case when f1.file is null or f1.field is null or not exists (select 1 from h where lower(h.file) = lower(f1.file)) then f1.field
                    else coalesce((
                      select string_agg(w.header, ' / ' order by w.ord)
                        from (select t.ord, case when hh.canonical is null then btrim(t.part) else hh.header end as header
                                from unnest(string_to_array(f1.field, ' / ')) with ordinality t(part, ord)
                                left join lateral (select min(h.canonical) as canonical, min(h.header) as header from h
                                                    where lower(h.file) = lower(f1.file) and lower(h.canonical) = lower(btrim(t.part))
                                                   having count(*) > 0) hh on true) w
                       where w.header is not null), f1.field) end as field,
               f1.value, f1.message, f1.file, f1.line
        from f1
      ),
      per_view as (
        select f.dq_view, f.category, f.severity, f.object, f.source_key, f.field, f.value, f.message, f.file, f.line, count(*) as n
        from f group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
      ),
      best as (
        select distinct on (category, severity, object, source_key, field, value, message) *
        from per_view
        order by category, severity, object, source_key, field, value, message, n desc,
                 (per_view.dq_view ~ '\.(findings|all_findings|all)$'), per_view.dq_view
      )
      select b.dq_view, b.category, b.severity, b.object, b.source_key, b.field, b.value, b.message, b.file, b.line
      from best b cross join lateral generate_series(1, b.n::int)
    $q$, array_to_string(parts, ' union all '), lines, heads);
  end if;
  if cardinality(contract) > 0 then
    return query execute array_to_string(contract, ' union all ');
  end if;
end
$$;
