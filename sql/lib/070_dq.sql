-- Data-quality findings. Views in dq_<source> / dq_<pipeline> schemas return one row per
-- finding with exactly these columns (docs/models.md):
--   category text, severity text ('error'|'warning'|'info'), object text, source_key text,
--   field text, value text, message text
-- lib.dq_findings unions every such view of the schemas given, naming the view each row came
-- from. A view in those schemas without the seven columns is itself reported (category
-- dq_view_contract) rather than skipped in silence.
create or replace function lib.dq_findings(schemas text[])
returns table (dq_view text, category text, severity text, object text, source_key text, field text, value text, message text)
language plpgsql stable as $$
declare
  v record;
  cols constant text[] := array['category', 'severity', 'object', 'source_key', 'field', 'value', 'message'];
begin
  for v in
    select c.table_schema as s, c.table_name as t,
           array_agg(c.column_name::text) as have
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = any(schemas) and t.table_type in ('VIEW', 'BASE TABLE')
    group by 1, 2 order by 1, 2
  loop
    if v.have @> cols then
      return query execute format(
        'select %L::text, category::text, lower(severity::text), object::text, source_key::text, field::text, value::text, message::text from %I.%I',
        v.s || '.' || v.t, v.s, v.t);
    else
      dq_view := v.s || '.' || v.t; category := 'dq_view_contract'; severity := 'error'; object := v.t;
      source_key := null; field := array_to_string(array(select unnest(cols) except select unnest(v.have)), ', ');
      value := null; message := format('%s.%s lacks the finding columns %s; its findings are not in the report', v.s, v.t, field);
      return next;
    end if;
  end loop;
end
$$;
