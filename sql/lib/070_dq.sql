-- Data-quality findings. Views in dq_<source> / dq_<pipeline> schemas return one row per
-- finding with exactly these columns (docs/models.md):
--   category text, severity text ('error'|'warning'|'info'), object text, source_key text,
--   field text, value text, message text
-- lib.dq_findings unions every such view of the schemas given, naming the view each row came
-- from (dq_view). Rules:
--   * views whose name starts with "_" are helpers, not findings, and are left out;
--   * a finding repeated in several views (a view that unions the others, say) is counted
--     once, under the most specific view;
--   * severity is lower-cased, "warn" read as warning; any other value is kept as written;
--   * a view breaking the contract (missing columns, another severity) is itself reported
--     as a finding of category dq_view_contract rather than skipped in silence.
create or replace function lib.dq_findings(schemas text[])
returns table (dq_view text, category text, severity text, object text, source_key text, field text, value text, message text)
language plpgsql stable as $$
declare
  v record;
  cols constant text[] := array['category', 'severity', 'object', 'source_key', 'field', 'value', 'message'];
  parts text[] := '{}';
  contract text[] := '{}';
  bad text;
begin
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
                object::text, source_key::text, field::text, value::text, message::text from %I.%I',
        v.s || '.' || v.t, v.s, v.t);
      execute format('select string_agg(distinct coalesce(severity::text, ''(null)''), '', '') from %I.%I
                      where coalesce(lower(btrim(severity::text)), '''') not in (''error'', ''warning'', ''warn'', ''info'')', v.s, v.t) into bad;
      if bad is not null then
        contract := contract || format('select %L::text, ''dq_view_contract''::text, ''error''::text, %L::text, null::text, ''severity''::text, %L::text, %L::text',
          v.s || '.' || v.t, v.t, bad, format('%s.%s uses severity %s; the contract allows error, warning, info', v.s, v.t, bad));
      end if;
    else
      bad := array_to_string(array(select unnest(cols) except select unnest(v.have) order by 1), ', ');
      contract := contract || format('select %L::text, ''dq_view_contract''::text, ''error''::text, %L::text, null::text, %L::text, null::text, %L::text',
        v.s || '.' || v.t, v.t, bad, format('%s.%s lacks the finding columns %s; its findings are not in the report (name helper views with a leading _)', v.s, v.t, bad));
    end if;
  end loop;
  if cardinality(parts) > 0 then
    return query execute format($q$
      with f as (%s),
      per_view as (
        select f.dq_view, f.category, f.severity, f.object, f.source_key, f.field, f.value, f.message, count(*) as n
        from f group by 1, 2, 3, 4, 5, 6, 7, 8
      ),
      best as (
        select distinct on (category, severity, object, source_key, field, value, message) *
        from per_view
        order by category, severity, object, source_key, field, value, message, n desc,
                 (per_view.dq_view ~ '\.(findings|all_findings|all)$'), per_view.dq_view
      )
      select b.dq_view, b.category, b.severity, b.object, b.source_key, b.field, b.value, b.message
      from best b cross join lateral generate_series(1, b.n::int)
    $q$, array_to_string(parts, ' union all '));
  end if;
  if cardinality(contract) > 0 then
    return query execute array_to_string(contract, ' union all ');
  end if;
end
$$;
