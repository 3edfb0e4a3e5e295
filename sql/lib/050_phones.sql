-- Phone numbers to E.164 (+<country code><national number>) with a pipeline's default country.
-- Extensions ("x 12", "ext. 12", "#12") are dropped: E.164 has no place for them and the
-- staging models keep the original text beside the cleaned number. Returns null when the
-- value cannot be read as a number of the default country or as an international number;
-- callers keep the original in that case (and report it).

-- Per country: calling code, trunk prefix, international prefix, national number length.
create or replace function lib.phone_country(iso text, out cc text, out trunk text, out intl text, out min_len int, out max_len int)
language sql immutable parallel safe as $$
  select c.cc, c.trunk, c.intl, c.min_len, c.max_len
  from (values
    ('ZA', '27', '0', '00', 9, 9),
    ('US', '1', '1', '011', 10, 10),
    ('CA', '1', '1', '011', 10, 10),
    ('GB', '44', '0', '00', 9, 10),
    ('IE', '353', '0', '00', 7, 9),
    ('AU', '61', '0', '0011', 9, 9),
    ('NZ', '64', '0', '00', 8, 10),
    ('NA', '264', '0', '00', 7, 9),
    ('BW', '267', '', '00', 7, 8),
    ('ZW', '263', '0', '00', 8, 9),
    ('KE', '254', '0', '000', 9, 9),
    ('NG', '234', '0', '009', 8, 10),
    ('IN', '91', '0', '00', 10, 10),
    ('DE', '49', '0', '00', 6, 11),
    ('FR', '33', '0', '00', 9, 9),
    ('NL', '31', '0', '00', 9, 9)
  ) c(iso, cc, trunk, intl, min_len, max_len)
  where c.iso = upper(btrim($1))
$$;

create or replace function lib.phone_e164(v text, default_country text) returns text
language plpgsql immutable parallel safe as $$
declare
  s text := lib.squish(v);
  c record;
  d text;
  plus boolean;
begin
  if s is null then return null; end if;
  -- extensions off the end
  s := regexp_replace(s, '\s*(?:,|;)?\s*(?:x|ext\.?|extension|#)\s*\d{1,6}\s*$', '', 'i');
  -- letters left (vanity numbers, "n/a", "call reception") are not parsed
  if s ~ '[[:alpha:]]' then return null; end if;
  if s !~ '^\s*(\+|\(?\d)' then return null; end if;
  plus := s ~ '^\s*\+';
  -- "+27 (0)82 ..." : the (0) trunk marker written with the country code
  s := regexp_replace(s, '\(0\)', '', 'g');
  d := regexp_replace(s, '[^0-9]', '', 'g');
  if d = '' then return null; end if;
  select * into c from lib.phone_country(default_country);
  if not plus and c.intl is not null and d like c.intl || '%' and length(d) > length(c.intl) + 7 then
    d := substr(d, length(c.intl) + 1);
    plus := true;
  elsif not plus and c.intl is null and d like '00%' then
    d := substr(d, 3);
    plus := true;
  end if;
  if plus then
    if length(d) between 8 and 15 and d !~ '^0' then return '+' || d; end if;
    return null;
  end if;
  if c.cc is null then return null; end if;
  -- national number with trunk prefix (082 555 0101; 1 415 555 0101)
  if c.trunk <> '' and d like c.trunk || '%' and length(d) - length(c.trunk) between c.min_len and c.max_len then
    d := substr(d, length(c.trunk) + 1);
  -- country code written without the + (27825550101)
  elsif d like c.cc || '%' and length(d) - length(c.cc) between c.min_len and c.max_len
        and length(d) > c.max_len then
    d := substr(d, length(c.cc) + 1);
  elsif not (length(d) between c.min_len and c.max_len) then
    return null;
  end if;
  if length(d) not between c.min_len and c.max_len then return null; end if;
  -- North American numbers: area code and exchange start 2-9
  if c.cc = '1' and d !~ '^[2-9]\d{2}[2-9]' then return null; end if;
  if d ~ '^0' then return null; end if;
  return '+' || c.cc || d;
end
$$;
