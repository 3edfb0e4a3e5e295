-- The conventions a source's landed export is read with (etl.source_conventions, written by
-- extract from the connector's declaration and the export's overrides; docs/conventions.md).
-- Each source's staging folder has a one-row model stg_<source>.conventions built from this,
-- and every parser call of that source takes its day_first / timezone / phone_country /
-- decimal_separator from it: one declared rule, one place.
create or replace function lib.source_conventions(src text)
returns table (source text, date_order text, day_first boolean, timezone text, phone_country text,
               decimal_separator text, currency text, origin jsonb)
language plpgsql stable as $$
begin
  return query
    select c.source, c.date_order, c.day_first, c.timezone, c.phone_country, c.decimal_separator, c.currency, c.origin
      from etl.source_conventions c where c.source = src;
  if not found then
    -- Never an empty row set: every staging model cross-joins it and would silently be empty.
    raise exception 'no conventions are recorded for source %: run extract (or transform) for a pipeline of this source first', src
      using errcode = 'P0002';
  end if;
end
$$;
