-- Dates in the formats the exports write (EXPORTS.md). An unparseable value returns null;
-- the staging models keep the original text beside it so a DQ view can report it.

create or replace function lib.parse_timestamp(v text, day_first boolean, tz text) returns timestamptz
language plpgsql immutable parallel restricted as $$
declare
  s text := btrim(v);
  m text[];
  d int; mo int; y int; hh int := 0; mi int := 0; ss int := 0; ampm text;
begin
  if s is null or s = '' then return null; end if;
  -- ISO date or timestamp, with or without offset
  if s ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$' then
    begin
      if s ~ '(Z|[+-]\d{2}:?\d{2})$' then return s::timestamptz; end if;
      return (s::timestamp) at time zone tz;
    exception when others then return null;
    end;
  end if;
  -- nn/nn/yyyy [hh:mm[:ss]] [AM|PM]
  m := regexp_match(s, '^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$');
  if m is null then return null; end if;
  if day_first then d := m[1]::int; mo := m[2]::int; else mo := m[1]::int; d := m[2]::int; end if;
  y := m[3]::int;
  if m[4] is not null then
    hh := m[4]::int; mi := m[5]::int; ss := coalesce(m[6]::int, 0); ampm := upper(m[7]);
    if ampm = 'PM' and hh < 12 then hh := hh + 12; end if;
    if ampm = 'AM' and hh = 12 then hh := 0; end if;
  end if;
  begin
    return make_timestamptz(y, mo, d, hh, mi, ss, tz);
  exception when others then return null;
  end;
end
$$;

-- Zoho datetime format: yyyy-MM-ddTHH:mm:ss±HH:mm (rendered in UTC).
create or replace function lib.zoho_datetime(t timestamptz) returns text
language sql immutable parallel safe as $$
  select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00'
$$;
