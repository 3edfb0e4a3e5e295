-- Typed values from export text: numbers, money, percentages, booleans, durations.
-- Each returns null when the text cannot be read; staging models keep the original text
-- beside the typed column so a dq view reports what did not parse (a finding, not a hole).
-- As in 020_dates.sql: no exception blocks (parallel workers cannot run them), digits matched
-- as [0-9], and the common shapes tested first because these run once per value.

-- A number written the way a person or a spreadsheet writes it. decimal_sep is the source's
-- declared decimal separator ('.' or ','); currency says whether currency signs and codes may
-- stand before or after it (lib.parse_money) or not (lib.parse_number).
--   thousands separators: ',' '.' space, no-break space (U+00A0, U+202F, U+2009) and the
--     apostrophe, in groups of three after a first group of one to three digits;
--   negatives: -x, x-, (x), and a leading +; a unicode minus (U+2212) is a minus;
--   a shape decides itself where it can: 82 000,00 -> 82000.00, 1.234,56 -> 1234.56,
--     1,234.56 -> 1234.56, 12,5 -> 12.5, 1,234,567 -> 1234567, 0,500 -> 0.5;
--   only a single ',' or '.' followed by exactly three digits after a first group of 1-3
--     digits not starting with 0 (1,500 or 1.500) is ambiguous: the declared separator
--     decides (decimal_sep ',' reads 1,500 as 1.5, '.' reads it as 1500);
--   anything else is null: TBD, 12-15, 1.2.3, 1,23,456, a code on both sides.
create or replace function lib.parse_amount(v text, decimal_sep text, currency boolean) returns numeric
language plpgsql immutable parallel safe as $$
declare
  s text := upper(btrim(v, E' \t\r\n\u00a0\u202f\u2009'));
  n text;
  marks text;
  cur text;
  neg boolean;
  nc int;
  nd int;
  p int;
begin
  if s !~ '[^0-9]' then
    return case when s <> '' then s::numeric end; -- plain digits, the most common amount
  end if;
  if strpos(s, E'\u2212') > 0 then s := replace(s, E'\u2212', '-'); end if;
  -- Split into what comes before the digits, the digits with their separators, and what
  -- comes after; before and after may hold only signs, parentheses and a currency mark.
  n := ltrim(s, E'+-( \u00a0\u202f\u2009$€£¥₹₦ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  marks := left(s, length(s) - length(n));
  s := n;
  n := rtrim(n, E'-) \u00a0\u202f\u2009$€£¥₹₦ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  marks := translate(marks || '|' || substr(s, length(n) + 1), E' \u00a0\u202f\u2009', '');
  if marks <> '|' then
    cur := translate(marks, '+-()|', '');
    if cur <> '' and not (currency and cur in ('R', 'ZAR', '$', 'US$', 'USD', 'C$', 'CA$', 'CAN$', 'CAD', '€', 'EUR', '£', 'GBP',
                                               'A$', 'AU$', 'AUD', 'NZ$', 'NZD', 'CHF', 'JPY', '¥', 'INR', '₹', 'NAD', 'N$',
                                               'BWP', 'KES', 'KSH', 'NGN', '₦')) then
      return null;
    end if;
    marks := translate(marks, E'$€£¥₹₦ABCDEFGHIJKLMNOPQRSTUVWXYZ', '');
    if marks in ('-|', '|-', '(|)') then neg := true;
    elsif marks not in ('|', '+|') then return null;
    end if;
  end if;
  -- n: digits and separators only; spaces and apostrophes can only group thousands
  if n = '' then
    return null;
  elsif n ~ '[^0-9.,]' then
    if n ~ E'[^0-9.,'' \u00a0\u202f\u2009’]' then return null; end if;
    n := translate(n, E' \u00a0\u202f\u2009''’', '______');
  end if;
  nc := length(n) - length(replace(n, ',', ''));
  nd := length(n) - length(replace(n, '.', ''));
  if strpos(n, '_') > 0 then
    if nc + nd > 1 or n !~ '^[0-9]{1,3}(_[0-9]{3})+([.,][0-9]+)?$' then return null; end if;
    n := translate(n, ',_', '.');
  elsif nc + nd = 1 then
    p := strpos(n, case when nc = 1 then ',' else '.' end);
    if p = length(n) then return null; end if; -- '12.' is not how anyone writes an amount
    if p between 2 and 4 and length(n) = p + 3 and left(n, 1) <> '0' then
      -- 1,500 or 1.500: the declared separator decides; with none declared it is unreadable
      if decimal_sep is null then return null; end if;
      n := case when substr(n, p, 1) = decimal_sep then replace(n, ',', '.') else replace(replace(n, ',', ''), '.', '') end;
    else
      n := replace(n, ',', '.');
    end if;
  elsif nc > 0 and nd > 0 then
    if n ~ '^[0-9]{1,3}(,[0-9]{3})+\.[0-9]+$' then n := replace(n, ',', '');
    elsif n ~ '^[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$' then n := replace(replace(n, '.', ''), ',', '.');
    else return null;
    end if;
  elsif n ~ '^[0-9]{1,3}([.,][0-9]{3})+$' then
    n := replace(replace(n, ',', ''), '.', ''); -- 1,234,567 or 1.234.567
  elsif nc + nd > 0 then
    return null;
  end if;
  return case when neg then -n::numeric else n::numeric end;
end
$$;

-- A number (no currency). decimal_sep: the source's declared decimal separator, '.' or ','.
-- Plain digits, the most common shape, are read inline (SQL functions are inlined into the
-- calling query, saving the PL/pgSQL call).
create or replace function lib.parse_number(v text, decimal_sep text) returns numeric
language sql immutable parallel safe as $$
  select case when v !~ '[^0-9]' and v <> '' then v::numeric else lib.parse_amount(v, decimal_sep, false) end
$$;

-- An amount: currency signs and codes before or after it (R, ZAR, $, US$, C$, CA$, CAD, USD,
-- €, EUR, £, GBP, A$, AUD, NZ$, CHF, JPY, INR, NAD, BWP, KES, NGN ...) are dropped, then the
-- lib.parse_number rule: 'R 82 000,00' -> 82000.00, '12 500,00 $' -> 12500.00.
create or replace function lib.parse_money(v text, decimal_sep text) returns numeric
language sql immutable parallel safe as $$
  select case when v !~ '[^0-9]' and v <> '' then v::numeric else lib.parse_amount(v, decimal_sep, true) end
$$;

-- Currency of a money value as an ISO code, or null when none is written. A bare "$" is
-- ambiguous (USD, CAD, AUD...) and gives null: the pipeline's currency applies.
create or replace function lib.money_currency(v text) returns text
-- plpgsql with an early exit: most amounts are bare numbers, and a SQL function of this shape is
-- not inlined (its executor start-up per call cost more than the tests)
language plpgsql immutable parallel safe as $$
declare
  s text := upper(btrim(v));
begin
  if s is null or s !~ '[^0-9 .,()+\- '']' then return null; end if;
  return case
    when s ~ '\m(ZAR|USD|CAD|EUR|GBP|AUD|NZD|CHF|JPY|INR|NAD|BWP|KES|NGN)\M' then (regexp_match(s, '\m(ZAR|USD|CAD|EUR|GBP|AUD|NZD|CHF|JPY|INR|NAD|BWP|KES|NGN)\M'))[1]
    when s ~ '(US\$|U\$S)' then 'USD'
    when s ~ '(C\$|CA\$|CAN\$)' then 'CAD'
    when s ~ '(A\$|AU\$)' then 'AUD'
    when s ~ 'NZ\$' then 'NZD'
    when s ~ 'N\$' then 'NAD'
    when s ~ 'KSH' then 'KES'
    when s ~ '€' then 'EUR'
    when s ~ '£' then 'GBP'
    when s ~ '¥' then 'JPY'
    when s ~ '₹' then 'INR'
    when s ~ '₦' then 'NGN'
    when s ~ '(^|[^A-Z])R\s*-?\s*[0-9]' or s ~ '[0-9]\s*R$' then 'ZAR'
  end;
end
$$;

-- A percentage 0-100: '80', '80%', '80,5 %', '0.8' (a value written with a decimal separator
-- that is <= 1, and no '%', is a fraction: 0.8 -> 80, 1.0 -> 100, but 1 -> 1). Null when out
-- of range or unreadable. decimal_sep as for lib.parse_number.
create or replace function lib.parse_percent(v text, decimal_sep text) returns numeric
language plpgsql immutable parallel safe as $$
declare
  s text := btrim(v, E' \t\r\n\u00a0\u202f\u2009');
  pct boolean := right(s, 1) = '%';
  p numeric;
begin
  if pct then s := rtrim(left(s, -1), E' \u00a0\u202f\u2009'); end if;
  p := lib.parse_amount(s, decimal_sep, false);
  if not pct and p <= 1 and (strpos(s, '.') > 0 or strpos(s, ',') > 0) then p := trim_scale(p * 100); end if;
  return case when p between 0 and 100 then p end;
end
$$;

-- Yes/no in the words the exports use, any case, spaces trimmed: yes/no, y/n, true/false,
-- t/f, 1/0, on/off, Afrikaans ja/nee, French oui/non, vrai/faux, and a tick mark (x, ✓, ✔)
-- for yes. Anything else, blank included, is null: an empty cell is not an answer.
create or replace function lib.parse_bool(v text) returns boolean
language sql immutable parallel safe as $$
  select case lower(btrim(v, E' \t\r\n\u00a0'))
    when 'yes' then true when 'y' then true when 'true' then true when 't' then true when '1' then true
    when 'on' then true when 'x' then true when '✓' then true when '✔' then true
    when 'ja' then true when 'j' then true when 'oui' then true when 'vrai' then true
    when 'no' then false when 'n' then false when 'false' then false when 'f' then false when '0' then false
    when 'off' then false when 'nee' then false when 'non' then false when 'faux' then false
  end
$$;

-- A duration in whole seconds: bare numbers are in bare_unit ('seconds' or 'minutes'), mm:ss,
-- h:mm:ss, '12 min', '1h 30m', '45 sec', '2.5 minutes', '1 hr 5 min' (also French and
-- Afrikaans unit words: heures, sekondes...). Null when unreadable, or beyond int's range.
-- (lib.parse_duration_seconds below, which answers an empty cell without this call.)
create or replace function lib.duration_seconds_general(v text, bare_unit text) returns int
language plpgsql immutable parallel safe as $$
declare
  s text := lower(btrim(v, E' \t\r\n\u00a0'));
  k text;
  unit int := case lower(bare_unit) when 'seconds' then 1 when 'minutes' then 60 end;
  m text[];
  total numeric;
begin
  if s !~ '[^0-9]' then
    return case when s <> '' and length(s) <= 9 and s::bigint * unit <= 2147483647 then s::int * unit end;
  end if;
  k := translate(s, '123456789', '000000000');
  if k in ('00:00', '0:00', '000:00') then
    -- mm:ss (minutes may pass 59: 90:00 is an hour and a half)
    return case when right(s, 2)::int < 60 then split_part(s, ':', 1)::int * 60 + right(s, 2)::int end;
  elsif k in ('0:00:00', '00:00:00', '000:00:00') then
    return case when split_part(s, ':', 2)::int < 60 and right(s, 2)::int < 60
                then split_part(s, ':', 1)::int * 3600 + split_part(s, ':', 2)::int * 60 + right(s, 2)::int end;
  end if;
  -- one number and one unit word ('12 min', '45 secs', '2 hours'), LeadTrac's usual form
  k := rtrim(s, 'abcdefghijklmnopqrstuvwxyz. ');
  m := array[k, btrim(substr(s, length(k) + 1), '. ')];
  if m[1] !~ '[^0-9.,]' and m[1] ~ '^[0-9]{1,9}([.,][0-9]+)?$' then
    total := replace(m[1], ',', '.')::numeric * case when m[2] = '' then unit
                                                     when m[2] in ('s', 'sec', 'secs', 'second', 'seconds') then 1
                                                     when m[2] in ('m', 'min', 'mins', 'minute', 'minutes') then 60
                                                     when m[2] in ('h', 'hr', 'hrs', 'hour', 'hours') then 3600 end;
  end if;
  if total is null and m[2] <> '' then
    m := regexp_match(s, '^(?:([0-9]+(?:[.,][0-9]+)?) *(?:hours?|hrs?|h|heures?|uur)\.?)?[ ,]*(?:and *|et *|en *)?'
                         '(?:([0-9]+(?:[.,][0-9]+)?) *(?:minutes?|mins?|m|minuten?)\.?)?[ ,]*(?:and *|et *|en *)?'
                         '(?:([0-9]+(?:[.,][0-9]+)?) *(?:seconds?|secs?|s|secondes?|sekondes?)\.?)?$');
    if m is null or m[1] is null and m[2] is null and m[3] is null then return null; end if;
    total := coalesce(replace(m[1], ',', '.')::numeric * 3600, 0) + coalesce(replace(m[2], ',', '.')::numeric * 60, 0)
             + coalesce(replace(m[3], ',', '.')::numeric, 0);
  end if;
  return case when total <= 2147483647 then round(total)::int end;
end
$$;

-- The duration rule above, called only for a value: plain SQL, inlined into the calling query,
-- so an empty cell (most activities are not calls) costs a comparison, not a PL/pgSQL call.
create or replace function lib.parse_duration_seconds(v text, bare_unit text) returns int
language sql immutable parallel safe as $$
  select case when v is null or v = '' then null else lib.duration_seconds_general(v, bare_unit) end
$$;

-- Old signatures, kept while callers move to the ones naming the source's decimal separator.
-- parse_money(v) and parse_probability(v) read like a '.' source (the behaviour they had).
create or replace function lib.parse_money(v text) returns numeric
language sql immutable parallel safe as $$
  select lib.parse_money(v, '.')
$$;

create or replace function lib.parse_probability(v text) returns numeric
language sql immutable parallel safe as $$
  select lib.parse_percent(v, '.')
$$;
