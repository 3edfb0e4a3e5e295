-- TEMPORARY bridge while the parsers are rewritten: the new signatures, over the old functions.
-- Removed when 020_dates / 030_names / 060_values define them.
create or replace function lib.person_name(first text, last text, full_name text) returns lib.name_parts
language plpgsql immutable parallel safe as $$
declare r lib.name_parts;
begin
  if lib.squish(last) is not null then
    r.first_name := lib.squish(first); r.last_name := lib.squish(last); r.uncertain := false;
    return r;
  end if;
  return lib.split_name(coalesce(lib.squish(full_name), lib.squish(first)));
end $$;
create or replace function lib.parse_money(v text, decimal_sep text) returns numeric
language sql immutable parallel safe as $$ select lib.parse_money(v) $$;
create or replace function lib.parse_percent(v text, decimal_sep text) returns numeric
language sql immutable parallel safe as $$ select lib.parse_probability(v) $$;
create or replace function lib.date_issue(v text, day_first boolean) returns text
language sql immutable parallel unsafe as $$
  select case when lib.squish(v) is not null and lib.parse_date(v, day_first) is null then 'not a date in any format this source writes' end $$;
alter function lib.parse_timestamp(text, boolean, text) parallel unsafe;
alter function lib.parse_date(text, boolean) parallel unsafe;
create or replace function lib.typed_value(v text, kind text, day_first boolean, tz text, decimal_sep text) returns jsonb
language sql immutable parallel unsafe as $$
  select case
    when lib.squish(v) is null then null
    when lower(kind) in ('integer', 'bigint') then case when lib.parse_money(v) = trunc(lib.parse_money(v)) then to_jsonb(lib.parse_money(v)) end
    when lower(kind) in ('number', 'double', 'decimal') then to_jsonb(lib.parse_money(v))
    when lower(kind) = 'currency' then to_jsonb(lib.parse_money(v))
    when lower(kind) = 'percent' then to_jsonb(lib.parse_probability(v))
    when lower(kind) = 'date' then to_jsonb(to_char(lib.parse_date(v, day_first), 'YYYY-MM-DD'))
    when lower(kind) = 'datetime' then to_jsonb(lib.zoho_datetime(lib.parse_timestamp(v, day_first, tz)))
    when lower(kind) in ('boolean', 'checkbox') then to_jsonb(lib.parse_bool(v))
    when lower(kind) = 'multiselectpicklist' then to_jsonb(array(select lib.squish(x) from regexp_split_to_table(v, '\s*[;|]\s*') x where lib.squish(x) is not null))
    else to_jsonb(lib.squish(v)) end
$$;
create or replace function lib.value_issue(v text, kind text, day_first boolean, decimal_sep text) returns text
language sql immutable parallel unsafe as $$
  select case when lib.squish(v) is not null and lib.typed_value(v, kind, day_first, 'UTC', decimal_sep) is null
              then format('"%s" is not a %s', v, kind) end
$$;
