-- A custom-field value as the destination field's type wants it, typed once in SQL by the
-- source's conventions (the one rule for every kind of value is lib.typed_value; this adds
-- what a custom field needs beyond it). Money keeps its currency beside the amount:
-- {"amount": 82000.00, "currency": "ZAR"}, the currency written in the value or else the
-- source's; each destination writes it in its own shape (a number in Zoho, Nutshell's
-- {currency, amount}). Null when the text is empty or does not read as that type
-- (lib.value_issue says why; a data-quality finding reports it).
create or replace function lib.custom_value(v text, field_type text, day_first boolean, tz text, decimal_sep text, currency text)
returns jsonb
-- plpgsql, not sql: a SQL function this shape is not inlined, and its executor start-up per call
-- cost ten times the parse itself
language plpgsql immutable parallel safe as $$
declare
  amount numeric;
begin
  if lower(field_type) = 'currency' then
    amount := lib.parse_money(v, decimal_sep);
    if amount is null then return null; end if;
    return jsonb_build_object('amount', amount, 'currency', coalesce(lib.money_currency(v), currency));
  end if;
  return lib.typed_value(v, field_type, day_first, tz, decimal_sep);
end
$$;

-- Header comparison as extract matches headers: case and runs of whitespace do not matter.
create or replace function lib.header_key(h text) returns text
language sql immutable parallel safe as $$
  select lower(lib.squish(h))
$$;
