-- Typed values from export text: dates, money, booleans, durations, probabilities.
-- Each returns null when the text cannot be read; staging models keep the original text
-- beside the typed column so a dq view reports what did not parse (a finding, not a hole).

-- A date in the formats the exports write: ISO (yyyy-mm-dd, with or without a time),
-- nn/nn/yyyy (also . and -; day_first decides; a part over 12 decides by itself),
-- yyyy/mm/dd, "5 Mar 2024", "March 5, 2024", two-digit years (nn/nn/yy: 70-99 -> 19xx).
-- A time after the date is ignored.
create or replace function lib.parse_date(v text, day_first boolean) returns date
language plpgsql immutable parallel restricted as $$
declare
  s text := lib.squish(v);
  m text[];
  a int; b int; y int; mo int; d int;
  months constant text[] := array['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'];
begin
  if s is null then return null; end if;
  m := regexp_match(s, '^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$');
  if m is not null then
    y := m[1]::int; mo := m[2]::int; d := m[3]::int;
  else
    m := regexp_match(s, '^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[ T,].*)?$');
    if m is not null then
      a := m[1]::int; b := m[2]::int; y := m[3]::int;
      if length(m[3]) = 2 then y := y + case when y >= 70 then 1900 else 2000 end; end if;
      if a > 12 and b <= 12 then d := a; mo := b;
      elsif b > 12 and a <= 12 then mo := a; d := b;
      elsif day_first then d := a; mo := b;
      else mo := a; d := b; end if;
    else
      -- 5 Mar 2024, 05-Mar-2024, 5 March 2024
      m := regexp_match(lower(s), '^(\d{1,2})[ -]([a-z]{3})[a-z]*\.?[ -,]*(\d{4})(?:[ T,].*)?$');
      if m is not null then
        d := m[1]::int; mo := array_position(months, m[2]); y := m[3]::int;
      else
        -- March 5, 2024 / Mar 5 2024
        m := regexp_match(lower(s), '^([a-z]{3})[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})(?:[ T,].*)?$');
        if m is null then return null; end if;
        mo := array_position(months, m[1]); d := m[2]::int; y := m[3]::int;
      end if;
    end if;
  end if;
  if mo is null or y < 1800 or y > 2200 then return null; end if;
  begin
    return make_date(y, mo, d);
  exception when others then return null;
  end;
end
$$;

-- Currency of a money value as an ISO code, or null when none is written. A bare "$" is
-- ambiguous (USD, CAD, AUD...) and gives null: the pipeline's currency applies.
create or replace function lib.money_currency(v text) returns text
language sql immutable parallel safe as $$
  select case
    when s ~ '\m(ZAR|USD|CAD|EUR|GBP|AUD|NZD|CHF|JPY|INR|NAD|BWP|KES|NGN)\M' then (regexp_match(s, '\m(ZAR|USD|CAD|EUR|GBP|AUD|NZD|CHF|JPY|INR|NAD|BWP|KES|NGN)\M'))[1]
    when s ~ '(US\$|U\$S)' then 'USD'
    when s ~ '(C\$|CA\$|CAN\$)' then 'CAD'
    when s ~ '(A\$|AU\$)' then 'AUD'
    when s ~ 'NZ\$' then 'NZD'
    when s ~ '€' then 'EUR'
    when s ~ '£' then 'GBP'
    when s ~ '¥' then 'JPY'
    when s ~ '₹' then 'INR'
    when s ~ '(^|[^A-Z])R\s*-?\s*[0-9]' or s ~ '[0-9]\s*R$' then 'ZAR'
  end
  from (select upper(btrim(v)) as s) x
$$;

-- An amount: currency signs and codes, thousands separators (",", ".", space, '), decimal
-- comma or point, negative as -x or (x). '12 500,00 $' -> 12500.00; 'R 12 500' -> 12500;
-- '1,500' -> 1500 (one comma and three digits: thousands); '12,5' -> 12.5; 'TBD' -> null.
create or replace function lib.parse_money(v text) returns numeric
language plpgsql immutable parallel safe as $$
declare
  s text := btrim(v);
  neg boolean := false;
  lc int; ld int;
begin
  if s is null or s = '' then return null; end if;
  if s ~ '^\(.*\)$' then neg := true; s := substr(s, 2, length(s) - 2); end if;
  -- currency codes and signs; anything else alphabetic means this is not an amount
  s := regexp_replace(s, '(ZAR|USD|CAD|EUR|GBP|AUD|NZD|CHF|JPY|INR|NAD|BWP|KES|NGN|US\$|CA\$|CAN\$|AU\$|NZ\$|C\$|A\$)', '', 'gi');
  s := regexp_replace(s, '^\s*-?\s*R\s*', case when s ~ '^\s*-' then '-' else '' end);
  s := regexp_replace(s, '\s*R$', '');
  s := regexp_replace(s, '[$€£¥₹]', '', 'g');
  s := regexp_replace(s, '[\s\u00a0\u202f'']', '', 'g');
  if s ~ '^-' then neg := not neg; s := substr(s, 2); end if;
  if s ~ '-$' then neg := not neg; s := left(s, -1); end if;
  if s !~ '^[0-9][0-9.,]*$' then return null; end if;
  lc := length(s) - length(replace(s, ',', ''));
  ld := length(s) - length(replace(s, '.', ''));
  if lc > 0 and ld > 0 then
    -- the separator written last is the decimal one
    if strpos(reverse(s), ',') < strpos(reverse(s), '.') then
      s := replace(replace(s, '.', ''), ',', '.');
    else
      s := replace(s, ',', '');
    end if;
  elsif lc > 1 then
    s := replace(s, ',', '');
  elsif lc = 1 then
    s := case when s ~ '^\d{1,3},\d{3}$' then replace(s, ',', '') else replace(s, ',', '.') end;
  elsif ld > 1 then
    s := replace(s, '.', '');
  end if;
  if s !~ '^\d+(\.\d+)?$' then return null; end if;
  return case when neg then -s::numeric else s::numeric end;
end
$$;

-- Yes/No, Y/N, true/false, T/F, 1/0 (any case, trimmed); anything else is null.
create or replace function lib.parse_bool(v text) returns boolean
language sql immutable parallel safe as $$
  select case lower(btrim(v))
    when 'yes' then true when 'y' then true when 'true' then true when 't' then true when '1' then true
    when 'no' then false when 'n' then false when 'false' then false when 'f' then false when '0' then false
  end
$$;

-- A duration in whole seconds: bare numbers in bare_unit ('seconds' or 'minutes'), mm:ss,
-- h:mm:ss, '12 min', '1h 30m', '45 sec', '2.5 minutes'. Null when unreadable.
create or replace function lib.parse_duration_seconds(v text, bare_unit text) returns int
language plpgsql immutable parallel safe as $$
declare
  s text := lower(lib.squish(v));
  m text[];
  total numeric := 0;
  r record;
  rest text;
begin
  if s is null then return null; end if;
  if s ~ '^\d+(\.\d+)?$' then
    return round(s::numeric * case lower(bare_unit) when 'minutes' then 60 when 'seconds' then 1 end);
  end if;
  m := regexp_match(s, '^(\d+):([0-5]\d):([0-5]\d)$');
  if m is not null then return m[1]::int * 3600 + m[2]::int * 60 + m[3]::int; end if;
  m := regexp_match(s, '^(\d+):([0-5]\d)$');
  if m is not null then return m[1]::int * 60 + m[2]::int; end if;
  -- unit words: every part must be <number><unit>
  rest := s;
  for r in select x[1] as num, x[2] as unit
           from regexp_matches(s, '(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\M', 'g') x loop
    total := total + r.num::numeric * case when r.unit ~ '^h' then 3600 when r.unit ~ '^m' then 60 else 1 end;
  end loop;
  rest := btrim(regexp_replace(s, '(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\M', '', 'g'));
  if rest <> '' and rest !~ '^[ ,and]*$' then return null; end if;
  if s !~ '\d' then return null; end if;
  return round(total);
end
$$;

-- A probability as a percentage 0-100: '80', '80%', '0.8' (a value with a decimal point that
-- is <= 1 is a fraction). Out of range or unreadable -> null.
create or replace function lib.parse_probability(v text) returns numeric
language plpgsql immutable parallel safe as $$
declare
  s text := replace(btrim(v), ' ', '');
  p numeric;
begin
  if s is null or s = '' then return null; end if;
  if s ~ '^\d+([.,]\d+)?%$' then
    p := replace(rtrim(s, '%'), ',', '.')::numeric;
  elsif s ~ '^\d*[.,]\d+$' or s ~ '^\d+[.,]\d*$' and s ~ '[.,]' then
    p := replace(s, ',', '.')::numeric;
    if p <= 1 then p := p * 100; end if;
  elsif s ~ '^\d+$' then
    p := s::numeric;
  else
    return null;
  end if;
  if p < 0 or p > 100 then return null; end if;
  return p;
end
$$;
