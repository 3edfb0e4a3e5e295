-- Splitting a compound person name into salutation / first / middle / last / suffix.
-- Base rule (seeds): split on the first space; a single word is the last name (Zoho's only
-- mandatory name field). On top of it: honorifics and suffixes, "Last, First", surname
-- particles (van der, de la, du ...), all-caps or all-lower names re-cased, and a flag with
-- a reason whenever a person should look at the split.

do $$
begin
  if to_regtype('lib.name_parts') is null then
    create type lib.name_parts as (
      salutation text, first_name text, middle text, last_name text, suffix text,
      uncertain boolean, reason text
    );
  end if;
end $$;

-- Canonical salutation for a token, or null when the token is not one.
create or replace function lib.salutation_of(tok text) returns text
language sql immutable parallel safe as $$
  select case lower(rtrim(tok, '.'))
    when 'mr' then 'Mr.' when 'mister' then 'Mr.' when 'mrs' then 'Mrs.' when 'ms' then 'Ms.'
    when 'miss' then 'Miss' when 'mx' then 'Mx.' when 'dr' then 'Dr.' when 'doctor' then 'Dr.'
    when 'prof' then 'Prof.' when 'professor' then 'Prof.' when 'rev' then 'Rev.'
    when 'revd' then 'Rev.' when 'reverend' then 'Rev.' when 'fr' then 'Fr.' when 'sir' then 'Sir'
    when 'dame' then 'Dame' when 'lady' then 'Lady' when 'lord' then 'Lord'
    when 'adv' then 'Adv.' when 'hon' then 'Hon.' when 'judge' then 'Judge'
    when 'capt' then 'Capt.' when 'col' then 'Col.' when 'gen' then 'Gen.' when 'maj' then 'Maj.'
    when 'lt' then 'Lt.' when 'sgt' then 'Sgt.' when 'pastor' then 'Pastor' when 'rabbi' then 'Rabbi'
    when 'imam' then 'Imam' when 'sheikh' then 'Sheikh'
    -- Afrikaans: meneer, mevrou, mejuffrou, dominee
    when 'mnr' then 'Mnr.' when 'mev' then 'Mev.' when 'mej' then 'Mej.' when 'ds' then 'Ds.'
    end
$$;

-- Canonical suffix (generational or post-nominal) for a token, or null.
create or replace function lib.name_suffix_of(tok text) returns text
language sql immutable parallel safe as $$
  select case lower(replace(rtrim(tok, '.,'), '.', ''))
    when 'jr' then 'Jr.' when 'jnr' then 'Jnr.' when 'junior' then 'Jr.'
    when 'sr' then 'Sr.' when 'snr' then 'Snr.' when 'senior' then 'Sr.'
    when 'ii' then 'II' when 'iii' then 'III' when 'iv' then 'IV'
    when 'phd' then 'PhD' when 'md' then 'MD' when 'esq' then 'Esq.' when 'cpa' then 'CPA'
    when 'mba' then 'MBA' when 'dds' then 'DDS' when 'jd' then 'JD' when 'rn' then 'RN'
    when 'ca(sa)' then 'CA(SA)' when 'obe' then 'OBE' when 'mbe' then 'MBE' when 'cbe' then 'CBE'
    when 'qc' then 'QC' when 'kc' then 'KC' when 'sc' then 'SC' when 'pe' then 'PE'
    end
$$;

-- Surname particles: a name part starting at one of these (not first) runs to the end.
create or replace function lib.is_name_particle(tok text) returns boolean
language sql immutable parallel safe as $$
  select lower(tok) in ('van', 'von', 'der', 'den', 'de', 'del', 'della', 'dela', 'di', 'da', 'du',
    'dos', 'das', 'do', 'le', 'la', 'les', 'st', 'st.', 'ter', 'ten', 'te', 'op', 'bin', 'binti',
    'bint', 'ibn', 'al', 'el', 'ben', 'mac', 'ap', 'y', 'zu', 'vander', 'vd', 'v.d.')
$$;

-- An initial: "J", "J.", "J.K." (a middle initial is fine; a name of only initials is not).
create or replace function lib.is_initial(tok text) returns boolean
language sql immutable parallel safe as $$
  select tok ~ '^[[:alpha:]]\.?$' or tok ~ '^([[:alpha:]]\.){2,}$'
$$;

-- Proper case for one word written all-caps or all-lower: hyphen and apostrophe parts,
-- Mc/Mac/O'/D' prefixes. Mac only for known surnames (Mack, Machado, Macy stay as they are).
create or replace function lib.proper_case_word(w text) returns text
language plpgsql immutable parallel safe as $$
declare
  parts text[];
  out text := '';
  p text;
  i int;
  lw text;
begin
  if w is null or w = '' then return w; end if;
  if w ~ '-' then
    parts := string_to_array(w, '-');
    for i in 1 .. array_length(parts, 1) loop
      out := out || case when i > 1 then '-' else '' end || lib.proper_case_word(parts[i]);
    end loop;
    return out;
  end if;
  lw := lower(w);
  if lw ~ '^[od]''[[:alpha:]]' then
    return upper(substr(lw, 1, 1)) || '''' || upper(substr(lw, 3, 1)) || substr(lw, 4);
  end if;
  if lw ~ '^mc[[:alpha:]]{2,}' then
    return 'Mc' || upper(substr(lw, 3, 1)) || substr(lw, 4);
  end if;
  if lw ~ '^mac(donald|leod|kenzie|arthur|gregor|intosh|millan|lean|neil|pherson|kay|aulay|dougall|farlane|kinnon|lachlan|allister|alister|bride|callum|donnell|ewan|gillivray|innes|iver|kinley|laren|master|namara|nab|nally|queen|rae|ray|tavish|cormack|caskill|kie)$' then
    return 'Mac' || upper(substr(lw, 4, 1)) || substr(lw, 5);
  end if;
  return upper(substr(lw, 1, 1)) || substr(lw, 2);
end
$$;

create or replace function lib.split_name(full text) returns lib.name_parts
language plpgsql immutable parallel safe as $$
declare
  s text := lib.squish($1);
  r lib.name_parts;
  reasons text[] := '{}';
  toks text[];
  sal text[] := '{}';
  suf text[] := '{}';
  n int;
  i int;
  p int;
  recase boolean;
  comma_last text;
  comma_rest text;
  t text;
begin
  r.uncertain := false;
  if s is null then
    r.uncertain := true;
    r.reason := 'empty name';
    return r;
  end if;
  if s ~ '@' then reasons := reasons || 'looks like an email address'::text; end if;
  if s ~ '[0-9]' and s !~* '\m(ii|iii|iv)\M' then reasons := reasons || 'contains digits'::text; end if;
  if s ~* '\m(pty|ltd|llc|inc|cc|gmbh|limited|corp|holdings|trading|enterprises|solutions|services)\M\.?' then
    reasons := reasons || 'looks like a company name'::text;
  end if;
  -- Nicknames in quotes or parentheses are dropped: "Robert ""Bob"" Smith", "Robert (Bob) Smith".
  s := lib.squish(regexp_replace(s, '\s*("[^"]*"|\([^)]*\)|“[^”]*”)\s*', ' ', 'g'));
  if s is null then
    r.uncertain := true;
    r.reason := 'no name outside quotes or parentheses';
    return r;
  end if;
  -- All-caps or all-lower names are re-cased; mixed case is kept as the person wrote it.
  recase := (s = upper(s) or s = lower(s)) and s !~ '@';

  -- Comma forms. Trailing comma parts that are suffixes ("Smith, John, Jr.", "John Smith, PhD")
  -- come off first; a single remaining comma means "Last, First".
  toks := regexp_split_to_array(s, '\s*,\s*');
  while array_length(toks, 1) > 1 and (
    select bool_and(lib.name_suffix_of(x) is not null) from unnest(string_to_array(toks[array_length(toks, 1)], ' ')) x
  ) loop
    suf := string_to_array(toks[array_length(toks, 1)], ' ') || suf;
    toks := toks[1:array_length(toks, 1) - 1];
  end loop;
  if array_length(toks, 1) = 2 and toks[1] <> '' and toks[2] <> '' then
    comma_last := toks[1];
    comma_rest := toks[2];
  elsif array_length(toks, 1) > 2 then
    reasons := reasons || 'several commas'::text;
    comma_rest := array_to_string(toks, ' ');
  else
    comma_rest := array_to_string(toks, ' ');
  end if;

  toks := string_to_array(lib.squish(replace(comma_rest, ',', ' ')), ' ');
  if toks is null then toks := '{}'; end if;
  -- Leading salutations ("Prof Dr", "Mr"), kept apart.
  while coalesce(array_length(toks, 1), 0) > 0 and lib.salutation_of(toks[1]) is not null
        and (coalesce(array_length(toks, 1), 0) > 1 or comma_last is not null) loop
    sal := sal || lib.salutation_of(toks[1]);
    toks := toks[2:];
  end loop;
  -- Trailing suffixes ("Jr", "III", "PhD"), kept apart; never the only word left.
  while coalesce(array_length(toks, 1), 0) > case when comma_last is null then 1 else 0 end
        and lib.name_suffix_of(toks[array_length(toks, 1)]) is not null loop
    suf := lib.name_suffix_of(toks[array_length(toks, 1)]) || suf;
    toks := toks[1:array_length(toks, 1) - 1];
  end loop;
  if comma_last is not null then
    -- "Smith Jr., John": a suffix can sit on the last-name side too.
    declare lt text[] := string_to_array(comma_last, ' ');
    begin
      while array_length(lt, 1) > 1 and lib.name_suffix_of(lt[array_length(lt, 1)]) is not null loop
        suf := lib.name_suffix_of(lt[array_length(lt, 1)]) || suf;
        lt := lt[1:array_length(lt, 1) - 1];
      end loop;
      while array_length(lt, 1) > 1 and lib.salutation_of(lt[1]) is not null loop
        sal := sal || lib.salutation_of(lt[1]);
        lt := lt[2:];
      end loop;
      comma_last := array_to_string(lt, ' ');
    end;
  end if;
  -- normalise suffix spellings picked up from comma parts
  select array_agg(coalesce(lib.name_suffix_of(x), x)) into suf from unnest(suf) x;

  n := coalesce(array_length(toks, 1), 0);
  if comma_last is not null then
    r.last_name := comma_last;
    if n >= 1 then r.first_name := toks[1]; end if;
    if n >= 2 then r.middle := array_to_string(toks[2:], ' '); end if;
    if n = 0 then reasons := reasons || 'nothing after the comma'::text; end if;
  elsif n = 0 then
    -- only a salutation or suffix was written
    r.last_name := s;
    reasons := reasons || 'no name besides a title'::text;
  elsif n = 1 then
    r.last_name := toks[1];
    if lib.salutation_of(toks[1]) is not null then reasons := reasons || 'only a title'::text; end if;
  elsif n = 2 then
    if lib.is_name_particle(toks[1]) then
      r.last_name := toks[1] || ' ' || toks[2];
      reasons := reasons || 'surname with particle only, no first name'::text;
    else
      r.first_name := toks[1];
      r.last_name := toks[2];
    end if;
  else
    -- first particle after the first word starts the last name ("Jan van der Merwe")
    p := null;
    for i in 2 .. n - 1 loop
      if lib.is_name_particle(toks[i]) then p := i; exit; end if;
    end loop;
    if lib.is_name_particle(toks[1]) and p is null then
      r.last_name := array_to_string(toks, ' ');
      reasons := reasons || 'surname with particle only, no first name'::text;
    elsif p is not null then
      r.first_name := toks[1];
      if p > 2 then r.middle := array_to_string(toks[2:p - 1], ' '); end if;
      r.last_name := array_to_string(toks[p:], ' ');
    elsif (select bool_and(lib.is_initial(x)) from unnest(toks[2:n - 1]) x) then
      -- "John F. Kennedy", "Mary J K Smith": the middle words are initials
      r.first_name := toks[1];
      r.middle := array_to_string(toks[2:n - 1], ' ');
      r.last_name := toks[n];
    else
      -- Seed rule: everything after the first space is the last name. Could be a middle
      -- name ("Mary Anne Smith") or a double surname ("José García López"): ask.
      r.first_name := toks[1];
      r.last_name := array_to_string(toks[2:], ' ');
      reasons := reasons || format('%s words without a particle: taken as first name + last name', n);
    end if;
  end if;

  if r.last_name is not null and lib.is_initial(r.last_name) then
    reasons := reasons || 'last name is an initial'::text;
  end if;
  if r.first_name is not null and lib.is_initial(r.first_name) and (r.last_name is null or lib.is_initial(r.last_name)) then
    reasons := reasons || 'initials only'::text;
  end if;

  if recase then
    r.first_name := (select string_agg(lib.proper_case_word(x), ' ') from unnest(string_to_array(r.first_name, ' ')) x);
    r.middle := (select string_agg(case when lib.is_name_particle(x) then lower(x) else lib.proper_case_word(x) end, ' ')
                 from unnest(string_to_array(r.middle, ' ')) x);
    -- particles lower-case inside a full name (Jan van der Merwe); capitalised when the
    -- surname stands alone (Van der Merwe)
    r.last_name := (select string_agg(
                       case when lib.is_name_particle(x) and (o > 1 or r.first_name is not null) then lower(x)
                            when lib.is_name_particle(x) then initcap(x)
                            else lib.proper_case_word(x) end, ' ' order by o)
                    from unnest(string_to_array(r.last_name, ' ')) with ordinality u(x, o));
  end if;
  r.salutation := nullif(array_to_string(sal, ' '), '');
  r.suffix := nullif(array_to_string(suf, ' '), '');
  r.uncertain := coalesce(array_length(reasons, 1), 0) > 0;
  r.reason := nullif(array_to_string(reasons, '; '), '');
  return r;
end
$$;
