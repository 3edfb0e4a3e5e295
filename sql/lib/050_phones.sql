-- Phone numbers to E.164 (+<country code><national number>), read the way libphonenumber-js
-- reads them: lib.phone_e164(v, country) is parsePhoneNumberFromString(v, country).number when
-- that parses and isValid(), else null. Its metadata (calling codes, international and national
-- prefixes, possible lengths, number patterns) is generated into 051_phone_metadata.sql by
-- tools/phone-metadata/generate.ts; the steps below follow the library's source files named in
-- the comments (libphonenumber-js source/...), so a difference is a bug here.
--
-- Written as PL/pgSQL without exception blocks or table access; the metadata is constant JSON
-- (parsed once per session) and its number patterns are tested as prefix sets, not patterns.

-- The per-country record of the earlier, hand-written rules; the metadata replaces it.
drop function if exists lib.phone_country(text);

-- Text to [number, extension]: the number as '+digits' or 'digits' (the extension cut off), or
-- null when the text is not a phone number at all (source/parse.js parseInput,
-- helpers/extractFormattedPhoneNumberFromPossibleRfc3966NumberUri.js, isViablePhoneNumber.js,
-- extension/extractExtension.js). Character sets and translate() stand in for the library's
-- patterns where they give the same answer: PostgreSQL's engine is slow on those patterns.
create or replace function lib.phone_read(v text) returns text[]
language plpgsql immutable parallel safe as $$
declare
  s text;
  ctx text;
  at int;
  ext text;
  q text;
begin
  if v is null or length(v) > 250 then return null; end if;
  at := position(';phone-context=' in v);
  if at > 0 then
    -- RFC 3966: "tel:1234;phone-context=+1" carries the calling code apart from the number
    ctx := substr(v, at + 15);
    if position(';' in ctx) > 0 then ctx := left(ctx, position(';' in ctx) - 1); end if;
    if ctx !~ '^\+[0-9().-]*[0-9][0-9().-]*$'
       and ctx !~ '^([0-9]+(-*[0-9])*\.)*[a-zA-Z]+(-*[0-9])*\.?$' then
      return null;
    end if;
    s := case when left(ctx, 1) = '+' then ctx else '' end
      || substr(v, coalesce(nullif(position('tel:' in v), 0) + 4, 1),
                at - coalesce(nullif(position('tel:' in v), 0) + 4, 1));
  else
    s := substring(v from lib.phone_re_span());
  end if;
  at := position(';isub=' in s);
  if at > 1 then s := left(s, at - 1); end if;
  if s is null or length(s) < 2 then return null; end if;
  if length(s) = 2 and s ~ lib.phone_re_two_digits() then
    return array[translate(s, lib.phone_chars_other_digits(), '012345678901234567890123456789'), null];
  end if;
  q := lower(s);
  if s ~ lib.phone_re_not_plain() and q ~ lib.phone_re_extension_hint() then
    at := length(s) + 1 - coalesce(length(substring(reverse(q) from lib.phone_re_extension_reversed())), 0);
    if at <= length(s) then
      ext := translate(substr(s, at), lib.phone_chars_other_digits(), '012345678901234567890123456789');
      ext := translate(ext, translate(ext, '0123456789', ''), '');
      s := left(s, at - 1);
    end if;
  end if;
  -- What is left must be an optional leading plus sign, then at least three digits among
  -- punctuation (the library's viability test; a '+' elsewhere is not a phone number).
  q := case when left(s, 1) in ('+', U&'\FF0B') then substr(s, 2) else s end;
  if q !~ lib.phone_re_viable() then return null; end if;
  -- source/parseIncompletePhoneNumber.js: only an ASCII '+' as the first character counts
  return array[
    case when left(s, 1) = '+' then '+' else '' end
      || case when octet_length(q) = length(q) then translate(q, '-/.()[]~ ', '')
              else translate(q, lib.phone_chars_other_digits() || lib.phone_chars_punctuation(),
                             '012345678901234567890123456789') end,
    ext];
end
$$;

-- The extension digits written after a number ("x 12", "ext. 12", "#12", ", 12", "- 12#"),
-- as libphonenumber-js reads them, or null. E.164 has no place for them; a model that wants to
-- keep them calls this beside lib.phone_e164.
create or replace function lib.phone_extension(v text) returns text
language sql immutable parallel safe as $$
  select (lib.phone_read(v))[2]
$$;

-- Whether a string of digits matches one of the metadata's patterns as a whole, through the
-- pattern's prefix set (see 051_phone_metadata.sql): PostgreSQL keeps only 32 compiled patterns
-- per session and compiling one of the larger ones costs about a millisecond, so with numbers of
-- many countries in one column, regular expressions here would be recompiled again and again.
create or replace function lib.phone_match(set_id text, s text, ds text) returns boolean
language plpgsql immutable parallel safe as $$
begin
  -- ds: the prefix lengths to try for this length, or '=' and the first digits that match
  -- (the plan carries them; see 051)
  if ds is null then return false; end if;
  if left(ds, 1) = '=' then return position(left(s, 1) in ds) > 1; end if;
  for i in 1 .. length(ds) loop
    if lib.phone_prefix(set_id || ':' || length(s) || ':' || left(s, ascii(substr(ds, i, 1)) - 64)) is not null then
      return true;
    end if;
  end loop;
  return false;
end
$$;

-- lib.phone_match, with the common case (the first digit decides) answered without a call.
create or replace function lib.phone_in(set_id text, s text, ds text) returns boolean
language sql immutable parallel safe as $$
  select case when ds is null then false
              when left(ds, 1) = '=' then position(left(s, 1) in ds) > 1
              else lib.phone_match(set_id, s, ds) end
$$;

-- The longest key of `map` that `s` starts with; `lens` lists the key lengths, longest first.
create or replace function lib.phone_longest(map jsonb, lens text, s text) returns text
language plpgsql immutable parallel safe as $$
declare
  n int;
begin
  for i in 1 .. length(lens) loop
    n := ascii(substr(lens, i, 1)) - 64;
    if n <= length(s) and map ? left(s, n) then return left(s, n); end if;
  end loop;
  return null;
end
$$;

-- isValid() for a national number in plan k (isValid.js, helpers/getNumberType.js).
create or replace function lib.phone_fits(k text, nn text) returns boolean
language plpgsql immutable parallel safe as $$
declare
  p jsonb := lib.phone_plan(k);
begin
  if p->>11 = '1' then return lib.phone_in('V:' || k, nn, p->>(48 + length(nn))); end if;
  return lib.phone_in('N:' || k, nn, p->>(18 + length(nn)));
end
$$;

-- `num` with the national prefix (or carrier code) as the plan reads it taken off or rewritten,
-- or null when nothing matches (helpers/extractNationalNumberFromPossiblyIncompleteNumber.js).
create or replace function lib.phone_unprefixed(num text, k text, p jsonb) returns text
language plpgsql immutable parallel safe as $$
declare
  m text;
begin
  if num = '' then return null; end if;
  -- "(X)$": a whole number of that shape is rewritten (268 + 7 digits in Antigua)
  if p->>14 is not null and lib.phone_match('F:' || k, num, lib.phone_prefix('F:' || k || ':' || length(num))) then
    return (p->>14) || num;
  end if;
  if p->>4 is not null then
    m := lib.phone_longest(p->3, p->>4, num);
    if m is null then return null; end if;
    return (p->3->>m) || substr(num, length(m) + 1);
  end if;
  if p->>5 is null or (p->>13 is not null and position(left(num, 1) in p->>13) = 0) or num !~ (p->>5) then
    return null;
  end if;
  -- a transform rule applies only when the last capture group caught something
  if p->>7 is not null and (regexp_match(num, p->>5))[(p->>6)::int] <> '' then
    return regexp_replace(num, p->>5, p->>7);
  end if;
  return regexp_replace(num, p->>5, '');
end
$$;

-- The national (significant) number of `num` in plan k: the prefix taken off when what is left
-- still looks like a number of the country (helpers/extractNationalNumber.js), sometimes with
-- '|' and the country it belongs to (see the end).
create or replace function lib.phone_national(num text, k text) returns text
language plpgsql immutable parallel safe as $$
declare
  p jsonb := lib.phone_plan(k);
  lp jsonb;
  nn text;
  c text;
  n int;
begin
  if p->>16 is not null then
    nn := case when starts_with(num, p->>16) then substr(num, length(p->>16) + 1) end;
  else
    nn := lib.phone_unprefixed(num, k, p);
  end if;
  if nn is null or nn = num then return num; end if;
  if lib.phone_in('N:' || k, num, p->>(18 + length(num))) and not lib.phone_in('N:' || k, nn, p->>(18 + length(nn))) then
    return num;
  end if;
  if p->>12 = '1' then
    c := lib.phone_country(p->>0, nn);
    lp := case when c is null then p else lib.phone_plan(rtrim(c, '!')) end;
  else
    lp := p;
  end if;
  n := length(nn);
  -- too short, or a length the country does not use: keep the prefix (too long is let through)
  if n < (lp->>8)::int or (n <= (lp->>9)::int and ((lp->>10)::int >> n) & 1 = 0) then return num; end if;
  -- with the country it found when other countries share the calling code ('|' and the
  -- country, or none), so that lib.phone_e164 need not look again
  return nn || case when p->>12 = '1' then '|' || coalesce(c, '') else '' end;
end
$$;

create or replace function lib.phone_e164(v text, default_country text) returns text
language plpgsql immutable parallel safe as $$
declare
  d text;
  plus boolean := false;
  at int;
  dc text := upper(default_country);
  dm jsonb;
  p jsonb;
  lp jsonb;
  cc text;
  k text;
  num text;
  nn text;
  nn0 text;
  ctry text;
  found text;
  found_for text;
  info jsonb;
  fits boolean;
  n int;
begin
  if v is null or length(v) > 250 then return null; end if;
  if v ~ '^[-0-9+ ().\[\]/\u00A0]*$' then
    -- Only digits, '+' and common punctuation: no extension, nothing to cut off (the common
    -- case, read with the fewest steps).
    d := translate(v, U&'+ ()-./[]\00A0', '');
    if position('+' in v) > 0 then
      -- one '+', before every digit
      if v !~ '^[^0-9]*\+[^+]*$' then return null; end if;
      plus := true;
    end if;
    if length(d) < 3 and not (length(d) = 2 and not plus and position(d in v) > 0) then return null; end if;
  else
    d := (lib.phone_read(v))[1];
    if d is null then return null; end if;
    if left(d, 1) = '+' then
      plus := true;
      d := substr(d, 2);
    end if;
  end if;
  if d = '' then return null; end if;
  -- an unknown default country counts as none (parsePhoneNumber_.js)
  if length(dc) = 2 then dm := lib.phone_plan(dc); end if;

  -- helpers/extractCountryCallingCode.js
  if not plus then
    if dm is null then return null; end if;
    -- an international prefix (00, 011, ...) dialled from the default country
    -- (helpers/stripIddPrefix.js): only when a calling code (not 0) follows
    nn0 := case when dm->>15 is null then lib.phone_longest(dm->1, dm->>2, d)
                when starts_with(d, dm->>15) then dm->>15 end;
    if nn0 is not null and length(d) > length(nn0) and substr(d, length(nn0) + 1, 1) <> '0' then
      plus := true;
      d := substr(d, length(nn0) + 1);
    else
      cc := dm->>0;
      k := dc;
      p := dm;
      num := d;
      ctry := dc;
      -- the default country's calling code written without '+' (helpers/
      -- extractCountryCallingCodeFromInternationalNumberWithoutPlusSign.js)
      if starts_with(d, cc) then
        nn := lib.phone_national(d, dc);
        if position('|' in nn) > 0 then
          found := nullif(split_part(nn, '|', 2), '');
          nn := split_part(nn, '|', 1);
          found_for := nn;
        end if;
        fits := length(nn) > (dm->>9)::int;
        if not fits and not lib.phone_in('N:' || dc, nn, dm->>(18 + length(nn))) then
          nn0 := split_part(lib.phone_national(substr(d, length(cc) + 1), dc), '|', 1);
          fits := lib.phone_in('N:' || dc, nn0, dm->>(18 + length(nn0)));
        end if;
        if fits then
          num := substr(d, length(cc) + 1);
          k := lib.phone_calling_code(cc)->>0;
          p := lib.phone_plan(k);
          ctry := null;
          nn := null;
          found_for := null;
        end if;
      end if;
    end if;
    nn0 := null;
    fits := null;
  end if;
  if plus then
    -- calling codes are one to three digits, none starting with 0
    info := lib.phone_calling_code_of(left(d, 3));
    if info is null then return null; end if;
    cc := info->>0;
    k := info->>1;
    num := substr(d, length(cc) + 1);
    p := lib.phone_plan(k);
  end if;
  if num = '' then return null; end if;

  -- source/parse.js parsePhoneNumber(): the national number (lib.phone_national, written out
  -- here so the common case makes no further calls and each test runs once)
  if nn is null then
    nn := num;
    if p->>16 is not null then
      nn0 := case when starts_with(num, p->>16) then substr(num, length(p->>16) + 1) end;
    else
      nn0 := lib.phone_unprefixed(num, k, p);
    end if;
    if nn0 <> num then
      fits := lib.phone_in('N:' || k, nn0, p->>(18 + length(nn0)));
      if fits or not lib.phone_in('N:' || k, num, p->>(18 + length(num))) then
        if p->>12 = '1' then
          found := lib.phone_country(cc, nn0);
          found_for := nn0;
          lp := case when found is null then p else lib.phone_plan(rtrim(found, '!')) end;
        else
          lp := p;
        end if;
        n := length(nn0);
        if n >= (lp->>8)::int and (n > (lp->>9)::int or ((lp->>10)::int >> n) & 1 = 1) then
          nn := nn0;
        end if;
      end if;
    end if;
  end if;
  if length(nn) < 2 or length(nn) > 17 then return null; end if;

  -- isValid() (isValid.js), in the country the number belongs to
  if p->>12 = '1' then
    if found_for is distinct from nn then found := lib.phone_country(cc, nn); end if;
    -- a country that number types picked out has already passed isValid()'s own test
    if right(found, 1) = '!' then return '+' || cc || nn; end if;
    if lib.phone_fits(coalesce(found, ctry, k), nn) then return '+' || cc || nn; end if;
    return null;
  end if;
  if p->>11 = '1' then
    fits := lib.phone_in('V:' || k, nn, p->>(48 + length(nn)));
  elsif fits is null or nn is distinct from nn0 then
    fits := lib.phone_in('N:' || k, nn, p->>(18 + length(nn)));
  end if;
  if fits then return '+' || cc || nn; end if;
  return null;
end
$$;
