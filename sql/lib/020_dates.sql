-- Dates and date-times in the formats the exports write.
--
-- A source declares its conventions (day-first or month-first for nn/nn/yyyy, its time zone);
-- the parsers read a value only in the declared order: a month-first source's 13/01/1980 is
-- not quietly turned into 13 January, it is null and lib.date_issue says why.
--
-- No function here has an exception block: a subtransaction per call is slow, and a parallel
-- worker cannot start one (PostgreSQL 15 raises "cannot start subtransactions during a
-- parallel operation"; a handler that catches that error turns every value into null).
-- Validity (days in the month, leap years, hour and minute ranges) is checked arithmetically
-- before make_date / make_timestamp, which would raise on an impossible date.
-- Digits are matched as [0-9], never \d: under an ICU collation \d also matches other scripts'
-- digits, which ::int would then reject with an error.

-- Month number of a month name or abbreviation, in English, French or Afrikaans; the word is
-- lower case with accents folded and no trailing dot (see lib.date_ymd). Null if not a month.
create or replace function lib.month_number(w text) returns int
language sql immutable parallel safe as $$
  select case w
    when 'jan' then 1 when 'january' then 1 when 'janv' then 1 when 'janvier' then 1 when 'januarie' then 1
    when 'feb' then 2 when 'february' then 2 when 'fev' then 2 when 'fevr' then 2 when 'fevrier' then 2 when 'februarie' then 2
    when 'mar' then 3 when 'march' then 3 when 'mars' then 3 when 'maart' then 3 when 'mrt' then 3
    when 'apr' then 4 when 'april' then 4 when 'avr' then 4 when 'avril' then 4
    when 'may' then 5 when 'mai' then 5 when 'mei' then 5
    when 'jun' then 6 when 'june' then 6 when 'juin' then 6 when 'junie' then 6
    when 'jul' then 7 when 'july' then 7 when 'juil' then 7 when 'juillet' then 7 when 'julie' then 7
    when 'aug' then 8 when 'august' then 8 when 'aou' then 8 when 'aout' then 8 when 'augustus' then 8
    when 'sep' then 9 when 'sept' then 9 when 'september' then 9 when 'septembre' then 9
    when 'oct' then 10 when 'october' then 10 when 'octobre' then 10 when 'okt' then 10 when 'oktober' then 10
    when 'nov' then 11 when 'november' then 11 when 'novembre' then 11
    when 'dec' then 12 when 'december' then 12 when 'decembre' then 12 when 'des' then 12 when 'desember' then 12
  end
$$;

-- Days in a month, leap years included (Gregorian rule: every 4th year, except centuries not
-- divisible by 400).
create or replace function lib.days_in_month(y int, mo int) returns int
language sql immutable parallel safe as $$
  select case when mo = 2 then case when y % 4 = 0 and (y % 100 <> 0 or y % 400 = 0) then 29 else 28 end
              when mo in (4, 6, 9, 11) then 30 else 31 end
$$;

-- A year written with 2 or 4 digits: 70-99 -> 19xx, 00-69 -> 20xx.
create or replace function lib.full_year(y text) returns int
language sql immutable parallel safe as $$
  select case when length(y) = 2 then y::int + case when y::int >= 70 then 1900 else 2000 end else y::int end
$$;

-- ymd (yyyymmdd) when it is a real date in 1800-2200, else null.
create or replace function lib.valid_ymd(ymd int) returns int
language sql immutable parallel safe as $$
  select case when ymd / 10000 between 1800 and 2200 and ymd / 100 % 100 between 1 and 12
                   and ymd % 100 between 1 and lib.days_in_month(ymd / 10000, ymd / 100 % 100)
              then ymd end
$$;

-- The parts of a date written with a month name, as text: {day, month word, year}, the word
-- lower case with accents folded. '5 Mar 2024', '05-Mar-24', '1er août 2024', 'March 5, 2024',
-- 'Tue, 5 Mar 2024', '2024-Mar-05', '5 janv. 2024'. Null when s is not such a date.
create or replace function lib.named_date_parts(s text) returns text[]
language plpgsql immutable parallel safe as $$
declare
  w text := translate(lower(s), 'éèêëÉÈÊËûùüÛÙÜôÔâàÂÀçÇ', 'eeeeeeeeuuuuuuooaaaacc');
  m text[];
begin
  -- an English, French or Afrikaans weekday in front says nothing more
  w := regexp_replace(w, '^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu|thur|thurs|fri|sat|sun|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|maandag|dinsdag|woensdag|donderdag|vrydag|saterdag|sondag)\.?,?\s+', '');
  m := regexp_match(w, '^([0-9]{1,2})(?:er|st|nd|rd|th)?[ ./-]*([a-z]+)\.?[ ./,-]*([0-9]{4}|[0-9]{2})$');
  if m is not null then return m; end if;
  m := regexp_match(w, '^([a-z]+)\.?[ ./-]*([0-9]{1,2})(?:st|nd|rd|th)?[ ,./-]*([0-9]{4})$');
  if m is not null then return array[m[2], m[1], m[3]]; end if;
  m := regexp_match(w, '^([0-9]{4})[ ./-]*([a-z]+)\.?[ ./-]*([0-9]{1,2})$');
  if m is null then return null; end if;
  return array[m[3], m[2], m[1]];
end
$$;

-- The date written in s (a date alone: the caller has cut off any time) as yyyymmdd, or null.
-- An int rather than a date so the callers pay no date construction for a value they may still
-- reject. Years 1800-2200 only: anything else in a CRM export is a typo. These functions run
-- once per value over millions of rows, so the common shapes are tested first and statements
-- are few (a PL/pgSQL statement costs about as much as a substr; a regexp_match with capture
-- groups as much as ten of them, so those are kept to the rare month-name shapes).
create or replace function lib.date_ymd(s text, day_first boolean) returns int
language plpgsql immutable parallel safe as $$
declare
  sep text;
  a text; b text; c text;
  ymd int;
  m text[];
begin
  if length(s) = 10 and s ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then
    ymd := replace(s, '-', '')::int;
  elsif s is null or s = '' then
    return null;
  else
    sep := case when strpos(s, '/') > 0 then '/' when strpos(s, '.') > 0 then '.' when strpos(s, '-') > 0 then '-' end;
    if sep = '/' and s ~ '^[0-9]{1,4}/[0-9]{1,2}/[0-9]{1,4}$'
       or sep = '.' and s ~ '^[0-9]{1,4}\.[0-9]{1,2}\.[0-9]{1,4}$'
       or sep = '-' and s ~ '^[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,4}$' then
      a := split_part(s, sep, 1); b := split_part(s, sep, 2); c := split_part(s, sep, 3);
      if length(a) = 4 and length(c) <= 2 then
        ymd := a::int * 10000 + b::int * 100 + c::int;
      elsif length(a) > 2 or length(c) = 1 or length(c) = 3 then
        return null;
      elsif day_first then
        ymd := lib.full_year(c) * 10000 + b::int * 100 + a::int;
      elsif not day_first then
        ymd := lib.full_year(c) * 10000 + a::int * 100 + b::int;
      else
        return null; -- nn/nn/yyyy and the source has not declared its order
      end if;
    else
      m := lib.named_date_parts(s);
      ymd := lib.full_year(m[3]) * 10000 + lib.month_number(m[2]) * 100 + m[1]::int;
    end if;
  end if;
  return lib.valid_ymd(ymd);
end
$$;

-- lib.parse_date for any shape (see lib.parse_date, which reads the common ones itself).
-- A time, when there is one, starts at the hour before the first colon, after a space, 'T'
-- or comma; the date is what comes before it (every date format ends in a digit, so trimming
-- those separators off its end is safe). lib.timestamp_general cuts the same way.
create or replace function lib.date_general(v text, day_first boolean) returns date
language plpgsql immutable parallel safe as $$
declare
  s text := btrim(v, E' \t\r\n\u00a0');
  p int := strpos(s, ':');
  ymd int;
begin
  if p > 0 then
    p := case when p > 2 and strpos('0123456789', substr(s, p - 2, 1)) > 0 then p - 2 else p - 1 end;
    if p < 3 or strpos(' Tt,', substr(s, p - 1, 1)) = 0 then return null; end if;
    s := rtrim(left(s, p - 1), ' Tt,');
  end if;
  ymd := lib.date_ymd(s, day_first);
  return make_date(ymd / 10000, ymd / 100 % 100, ymd % 100);
end
$$;

-- lib.parse_timestamp for any shape (see lib.parse_timestamp, which reads the common ones itself).
create or replace function lib.timestamp_general(v text, day_first boolean, tz text) returns timestamptz
language plpgsql immutable parallel safe as $$
declare
  s text := btrim(v, E' \t\r\n\u00a0');
  p int;
  ymd int;
  t text;
  c text;
  ampm text;
  off int;
  hh int; mi int; sec float8;
begin
  p := strpos(s, ':');
  if p = 0 then
    ymd := lib.date_ymd(s, day_first);
    return make_timestamp(ymd / 10000, ymd / 100 % 100, ymd % 100, 0, 0, 0) at time zone tz;
  end if;
  p := case when p > 2 and strpos('0123456789', substr(s, p - 2, 1)) > 0 then p - 2 else p - 1 end;
  if p < 3 or strpos(' Tt,', substr(s, p - 1, 1)) = 0 then return null; end if;
  ymd := lib.date_ymd(rtrim(left(s, p - 1), ' Tt,'), day_first);
  if ymd is null then return null; end if;
  t := upper(substr(s, p));
  c := right(t, 1);
  if c = 'M' then
    ampm := left(right(t, 2), 1); t := rtrim(left(t, -2));
  elsif c = '.' and right(t, 4) in ('A.M.', 'P.M.') then
    ampm := left(right(t, 4), 1); t := rtrim(left(t, -4));
  elsif c = 'Z' then
    off := 0; t := rtrim(left(t, -1));
  elsif right(t, 3) in ('UTC', 'GMT') then
    off := 0; t := rtrim(left(t, -3));
  elsif strpos(t, '+') > 0 or strpos(t, '-') > 0 then
    -- +hh:mm, +hhmm or +hh (or -): c becomes the offset without its colon
    p := greatest(strpos(t, '+'), strpos(t, '-'));
    c := replace(substr(t, p), ':', '');
    t := rtrim(left(t, p - 1));
    if c !~ '^[+-][0-9]{2}([0-9]{2})?$' or substr(c, 2, 2)::int > 14 or length(c) = 5 and substr(c, 4, 2)::int > 59 then return null; end if;
    off := (substr(c, 2, 2)::int * 60 + case when length(c) = 5 then substr(c, 4, 2)::int else 0 end)
           * case when left(c, 1) = '-' then -1 else 1 end;
  end if;
  if t !~ '^[0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?$' then return null; end if;
  hh := split_part(t, ':', 1)::int;
  mi := split_part(t, ':', 2)::int;
  sec := coalesce(nullif(replace(split_part(t, ':', 3), ',', '.'), '')::float8, 0);
  if ampm is not null then
    -- a 12-hour clock runs 12, 1 .. 11; 0 AM is read as midnight, 0 PM and 13 PM are errors
    if hh > 12 or hh = 0 and ampm = 'P' or ampm not in ('A', 'P') then return null; end if;
    hh := hh % 12 + case when ampm = 'P' then 12 else 0 end;
  end if;
  if hh > 23 or mi > 59 or sec >= 60 then return null; end if;
  if off is null then
    return make_timestamp(ymd / 10000, ymd / 100 % 100, ymd % 100, hh, mi, sec) at time zone tz;
  end if;
  return (make_timestamp(ymd / 10000, ymd / 100 % 100, ymd % 100, hh, mi, sec) - off * interval '1 minute') at time zone 'UTC';
end
$$;

-- The fast paths below are plain SQL, which PostgreSQL inlines into the calling query: no
-- function call, no PL/pgSQL statement, just a few substr comparisons and one
-- "no character outside [0-9]" test on the digits, for the zero-padded shapes nearly every
-- export writes. Every other shape goes to the *_general function, which reads these shapes
-- the same way (a test compares them). For inlining, a helper's parameter used more than
-- once must get a cheap argument (a substr and a cast); an hour that needs AM/PM arithmetic
-- is used once, and comes back null when it is out of range.

-- The date y-mo-d, or null when it is not a real date in 1800-2200.
create or replace function lib.ymd_date(y int, mo int, d int) returns date
language sql immutable parallel safe as $$
  select case when y between 1800 and 2200 and mo between 1 and 12 and d between 1 and lib.days_in_month(y, mo)
              then make_date(y, mo, d) end
$$;

-- A 12-hour clock's hour on the 24-hour clock (ampm 'A' or 'P'; anything else: h is already
-- 24-hour), or null when it is not an hour: 0-23, or 1-12 with AM/PM (0 AM read as midnight).
create or replace function lib.hour24(h int, ampm text) returns int
language sql immutable parallel safe as $$
  select case ampm when 'P' then case when h between 1 and 12 then h % 12 + 12 end
                   when 'A' then case when h between 0 and 12 then h % 12 end
                   else case when h between 0 and 23 then h end end
$$;

-- The instant of a local date and time in tz, or null when a part is out of range (hh is
-- already checked: lib.hour24).
create or replace function lib.local_timestamp(y int, mo int, d int, hh int, mi int, ss float8, tz text) returns timestamptz
language sql immutable parallel safe as $$
  select case when y between 1800 and 2200 and mo between 1 and 12 and d between 1 and lib.days_in_month(y, mo)
                   and mi between 0 and 59 and ss >= 0 and ss < 60
              then make_timestamp(y, mo, d, hh, mi, ss) at time zone tz end
$$;

-- A date: yyyy-mm-dd (a time after it is ignored), yyyy/mm/dd, nn/nn/yyyy nn.nn.yyyy
-- nn-nn-yyyy read only in the declared order (day_first; null reads none of them), two-digit
-- years (70-99 -> 19xx, 00-69 -> 20xx), '5 Mar 2024', '05-Mar-2024', 'March 5, 2024',
-- French and Afrikaans month names ('5 janv. 2024', '5 Maart 2024'). Null when not a real date.
create or replace function lib.parse_date(v text, day_first boolean) returns date
language sql immutable parallel safe as $$
  select case
    when v is null or v = '' then null -- blank cells are common: no call for them
    when length(v) = 10 and substr(v, 5, 1) = '-' and substr(v, 8, 1) = '-' and (left(v, 4) || substr(v, 6, 2) || right(v, 2)) !~ '[^0-9]'
      then lib.ymd_date(left(v, 4)::int, substr(v, 6, 2)::int, right(v, 2)::int)
    when length(v) = 10 and substr(v, 3, 1) in ('/', '.', '-') and substr(v, 6, 1) = substr(v, 3, 1)
         and (left(v, 2) || substr(v, 4, 2) || right(v, 4)) !~ '[^0-9]'
      then lib.ymd_date(right(v, 4)::int,
                        (case when day_first then substr(v, 4, 2) when not day_first then left(v, 2) end)::int,
                        (case when day_first then left(v, 2) when not day_first then substr(v, 4, 2) end)::int)
    else lib.date_general(v, day_first)
  end
$$;

-- A date and time: the dates lib.parse_date reads, then optionally a time (H:MM, HH:MM:SS,
-- fractions with '.' or ',') after a space, 'T' or comma, then either AM/PM (a.m./p.m.) or
-- 'Z', 'UTC', 'GMT' or an offset (+hh:mm, +hhmm, +hh), which is honoured. Without an offset
-- the time is local time in tz (an IANA zone); a date alone is midnight in tz. Null when the
-- date or the time is not real (hour 25, minute 61, 13 PM, Feb 30).
--
-- Daylight-saving edges are PostgreSQL's (timestamp AT TIME ZONE): a local time that does not
-- exist (skipped by a spring-forward, 02:30 on 2024-03-10 in America/New_York) is read with
-- the offset in force before the change, so it lands an hour later on the clock (07:30Z =
-- 03:30 EDT); a local time that occurs twice (01:30 on 2024-11-03 there) is read with the
-- offset in force after the change, standard time (06:30Z, the second 01:30).
--
-- Fast shapes: yyyy-mm-dd, then optionally THH:MM or THH:MM:SS (T or space), then optionally
-- Z; nn/nn/yyyy (also . or -), then optionally ' HH:MM', ' HH:MM:SS' or ' hh:mm AM'.
create or replace function lib.parse_timestamp(v text, day_first boolean, tz text) returns timestamptz
language sql immutable parallel safe as $$
  select case
    when v is null or v = '' then null
    when substr(v, 5, 1) = '-' and substr(v, 8, 1) = '-'
         and (length(v) = 10
              or length(v) in (16, 19, 20) and substr(v, 11, 1) in ('T', ' ') and substr(v, 14, 1) = ':'
                 and (length(v) = 16 or substr(v, 17, 1) = ':' and (length(v) = 19 or right(v, 1) = 'Z')))
         and (left(v, 4) || substr(v, 6, 2) || substr(v, 9, 2) || substr(v, 12, 2) || substr(v, 15, 2) || substr(v, 18, 2)) !~ '[^0-9]'
      then lib.local_timestamp(left(v, 4)::int, substr(v, 6, 2)::int, substr(v, 9, 2)::int,
                               lib.hour24(coalesce(nullif(substr(v, 12, 2), '')::int, 0), null),
                               coalesce(nullif(substr(v, 15, 2), '')::int, 0), coalesce(nullif(substr(v, 18, 2), '')::int, 0),
                               case when length(v) = 20 then 'UTC' else tz end)
    when substr(v, 3, 1) in ('/', '.', '-') and substr(v, 6, 1) = substr(v, 3, 1)
         and (length(v) = 10
              or length(v) in (16, 19) and substr(v, 11, 1) = ' ' and substr(v, 14, 1) = ':'
                 and (length(v) = 16 or substr(v, 17, 1) = ':' or substr(v, 17, 3) in (' AM', ' PM')))
         and (left(v, 2) || substr(v, 4, 2) || substr(v, 7, 4) || substr(v, 12, 2) || substr(v, 15, 2)
              || case when substr(v, 17, 1) = ':' then substr(v, 18, 2) else '' end) !~ '[^0-9]'
      then lib.local_timestamp(substr(v, 7, 4)::int,
                               (case when day_first then substr(v, 4, 2) when not day_first then left(v, 2) end)::int,
                               (case when day_first then left(v, 2) when not day_first then substr(v, 4, 2) end)::int,
                               lib.hour24(coalesce(nullif(substr(v, 12, 2), '')::int, 0), case when substr(v, 17, 1) = ' ' then substr(v, 18, 1) end),
                               coalesce(nullif(substr(v, 15, 2), '')::int, 0),
                               case when substr(v, 17, 1) = ':' then substr(v, 18, 2)::int else 0 end, tz)
    else lib.timestamp_general(v, day_first, tz)
  end
$$;

-- Why a date does not parse, in words a person acts on; null when v is empty or parses with
-- lib.parse_date. For data-quality views, so it favours clarity over speed:
--   'month 13 in a month-first date (mm/dd/yyyy)', 'day 31 does not exist in April',
--   'day 29 does not exist in February 2023 (not a leap year)', 'year 1024 is outside 1800-2200',
--   '"Marx" is not a month name', 'not a date in any format this source writes'.
create or replace function lib.date_issue(v text, day_first boolean) returns text
language plpgsql immutable parallel safe as $$
declare
  s text := btrim(v, E' \t\r\n\u00a0');
  p int := strpos(s, ':');
  m text[];
  y int; mo int; d int;
  form text;
begin
  if s is null or s = '' or lib.parse_date(s, day_first) is not null then return null; end if;
  if p > 0 then
    p := case when p > 2 and strpos('0123456789', substr(s, p - 2, 1)) > 0 then p - 2 else p - 1 end;
    if p < 3 or strpos(' Tt,', substr(s, p - 1, 1)) = 0 then
      return case when p < 3 then 'a time with no date before it' else 'not a date in any format this source writes' end;
    end if;
    s := rtrim(left(s, p - 1), ' Tt,');
  end if;
  m := regexp_match(s, '^([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})$');
  if m is not null then
    y := m[1]::int; mo := m[3]::int; d := m[4]::int;
    form := format('a year-first date (yyyy%smm%sdd)', m[2], m[2]);
  else
    m := regexp_match(s, '^([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})$');
    if m is not null then
      if day_first is null then
        return 'the source has not declared whether its dates are day-first or month-first';
      end if;
      y := lib.full_year(m[4]);
      if day_first then
        d := m[1]::int; mo := m[3]::int; form := format('a day-first date (dd%smm%syyyy)', m[2], m[2]);
      else
        mo := m[1]::int; d := m[3]::int; form := format('a month-first date (mm%sdd%syyyy)', m[2], m[2]);
      end if;
    else
      m := lib.named_date_parts(s);
      if m is null then return 'not a date in any format this source writes'; end if;
      mo := lib.month_number(m[2]);
      if mo is null then return format('"%s" is not a month name', m[2]); end if;
      y := lib.full_year(m[3]); d := m[1]::int;
      form := 'a date';
    end if;
  end if;
  if mo < 1 or mo > 12 then return format('month %s in %s', mo, form); end if;
  if y < 1800 or y > 2200 then return format('year %s is outside 1800-2200', y); end if;
  if d < 1 then return 'day 0 does not exist'; end if;
  if d > lib.days_in_month(y, mo) then
    return case when mo = 2 and d = 29 then format('day 29 does not exist in February %s (not a leap year)', y)
                else format('day %s does not exist in %s', d, to_char(make_date(2000, mo, 1), 'FMMonth')) end;
  end if;
  return 'not a date in any format this source writes';
end
$$;

-- Why a date-time does not parse with lib.parse_timestamp (null when v is empty or parses):
-- the date's lib.date_issue, or what is wrong with the time ('hour 25 does not exist (0-23)',
-- 'hour 13 with PM (a 12-hour clock runs 1-12)', 'offset +15:00 is not a UTC offset').
create or replace function lib.timestamp_issue(v text, day_first boolean) returns text
language plpgsql immutable parallel safe as $$
declare
  s text := btrim(v, E' \t\r\n\u00a0');
  p int := strpos(s, ':');
  t text;
  m text[];
  hh int;
begin
  if s is null or s = '' or lib.parse_timestamp(s, day_first, 'UTC') is not null then return null; end if;
  if p = 0 then return coalesce(lib.date_issue(s, day_first), 'not a date in any format this source writes'); end if;
  p := case when p > 2 and strpos('0123456789', substr(s, p - 2, 1)) > 0 then p - 2 else p - 1 end;
  if p < 3 or strpos(' Tt,', substr(s, p - 1, 1)) = 0 then return lib.date_issue(s, day_first); end if;
  t := lib.date_issue(rtrim(left(s, p - 1), ' Tt,'), day_first);
  if t is not null then return t; end if;
  t := substr(s, p);
  m := regexp_match(upper(t), '^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]+)?)? *(AM|PM|A\.M\.|P\.M\.)? *(Z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)?$');
  if m is null then return format('"%s" is not a time of day', t); end if;
  hh := m[1]::int;
  if m[4] is not null and m[5] is not null then return format('"%s" has both AM/PM and a UTC offset', t); end if;
  if m[4] is not null and (hh > 12 or hh = 0 and left(m[4], 1) = 'P') then
    return format('hour %s with %s (a 12-hour clock runs 1-12)', hh, m[4]);
  end if;
  if hh > 23 then return format('hour %s does not exist (0-23)', hh); end if;
  if m[2]::int > 59 then return format('minute %s does not exist (0-59)', m[2]::int); end if;
  if m[3]::int > 59 then return format('second %s does not exist (0-59)', m[3]::int); end if;
  if m[5] ~ '^[+-]' then return format('offset %s is not a UTC offset', m[5]); end if;
  return format('"%s" is not a time of day', t);
end
$$;

-- Zoho datetime format: yyyy-MM-ddTHH:mm:ss±HH:mm (rendered in UTC).
create or replace function lib.zoho_datetime(t timestamptz) returns text
language sql immutable parallel safe as $$
  select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00'
$$;
