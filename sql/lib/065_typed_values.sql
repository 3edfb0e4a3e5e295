-- Custom-field values: the text of an export cell typed for its destination field.
-- This is the only implementation: it calls the same parsers the standard columns use, so
-- the same text gives the same value whichever way it reaches a destination.

-- The value as jsonb for a field of the given kind (a destination field type, any case):
--   text, textarea, long_text/longtext, email, website, url, phone, picklist (and any kind
--     not listed) -> the trimmed string;
--   multiselectpicklist -> array of the trimmed parts between ';' or '|' (empty parts dropped);
--   integer, bigint -> number, null unless whole;   number, double, decimal -> lib.parse_number;
--   currency -> lib.parse_money;   percent -> lib.parse_percent (0..100);
--   date -> "YYYY-MM-DD" (lib.parse_date);
--   datetime -> "YYYY-MM-DDTHH:MM:SS+00:00" (lib.parse_timestamp, written in UTC);
--   boolean, checkbox -> lib.parse_bool.
-- Empty text is null; text that does not read as the kind is null and lib.value_issue says why.
create or replace function lib.typed_value(v text, kind text, day_first boolean, tz text, decimal_sep text) returns jsonb
language plpgsql immutable parallel safe as $$
declare
  s text := btrim(v, E' \t\r\n\u00a0');
  n numeric;
begin
  if s = '' then return null; end if;
  case lower(kind)
    when 'integer', 'bigint' then
      n := lib.parse_number(s, decimal_sep);
      return case when n = trunc(n) then to_jsonb(trunc(n)) end;
    when 'number', 'double', 'decimal' then
      return to_jsonb(lib.parse_number(s, decimal_sep));
    when 'currency' then
      return to_jsonb(lib.parse_money(s, decimal_sep));
    when 'percent' then
      return to_jsonb(lib.parse_percent(s, decimal_sep));
    when 'date' then
      return to_jsonb(to_char(lib.parse_date(s, day_first), 'YYYY-MM-DD'));
    when 'datetime' then
      return to_jsonb(lib.zoho_datetime(lib.parse_timestamp(s, day_first, tz)));
    when 'boolean', 'checkbox' then
      return to_jsonb(lib.parse_bool(s));
    when 'multiselectpicklist' then
      return (select jsonb_agg(btrim(x) order by i) from unnest(string_to_array(translate(s, '|', ';'), ';')) with ordinality u(x, i)
              where btrim(x) <> '');
    else
      return to_jsonb(s);
  end case;
end
$$;

-- Why lib.typed_value gives null for non-empty text (null when it types, or v is empty).
-- tz plays no part: a time zone moves a date-time, it never makes one unreadable.
create or replace function lib.value_issue(v text, kind text, day_first boolean, decimal_sep text) returns text
language plpgsql immutable parallel safe as $$
declare
  s text := btrim(v, E' \t\r\n\u00a0');
  k text := lower(kind);
  n numeric;
  comma numeric;
begin
  if s is null or s = '' or lib.typed_value(s, kind, day_first, 'UTC', decimal_sep) is not null then return null; end if;
  if k in ('integer', 'bigint', 'number', 'double', 'decimal', 'currency', 'percent') then
    n := case when k = 'currency' then lib.parse_money(s, coalesce(decimal_sep, '.'))
              else lib.parse_number(rtrim(s, E'% \u00a0'), coalesce(decimal_sep, '.')) end;
    if decimal_sep is null then
      comma := case when k = 'currency' then lib.parse_money(s, ',') else lib.parse_number(rtrim(s, E'% \u00a0'), ',') end;
      if n is distinct from comma then
        return 'one , or . before three digits reads as a decimal or as thousands, and the source has not declared its decimal separator';
      end if;
    end if;
    return case when n is null and k = 'currency' then 'not an amount'
                when n is null and k = 'percent' then 'not a percentage'
                when n is null then 'not a number'
                when k = 'percent' then format('percentage %s is outside 0-100', n)
                else format('%s is not a whole number', n) end;
  end if;
  return case k
    when 'date' then lib.date_issue(s, day_first)
    when 'datetime' then lib.timestamp_issue(s, day_first)
    when 'boolean' then 'not a yes/no value'
    when 'checkbox' then 'not a yes/no value'
    when 'multiselectpicklist' then 'no value between the ; or | separators'
  end;
end
$$;
