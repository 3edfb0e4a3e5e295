-- Person names: one full-name column split into salutation / first / middle / last / suffix
-- (lib.split_name), and the one entry point for a person whose export may also have separate
-- First / Last columns (lib.person_name). The rule, with its word lists, is in docs/models.md
-- ("Names").
--
-- Speed matters: staging calls these once per row over millions of rows. So each word is looked
-- up once, in constant arrays (`= any(...)` on a constant array of 9 or more is a hash lookup),
-- into a one-letter class; regexes are plain `~` tests (a capture with regexp_match costs several
-- microseconds); the usual shapes ("Word Word", "Title Word Word", "Word van der Word" ...) take
-- fast paths; nothing runs a query inside the functions (no `select ... from unnest(...)`).
-- No exception blocks: every function is immutable and parallel safe.

do $$
begin
  if to_regtype('lib.name_parts') is null then
    create type lib.name_parts as (
      salutation text, first_name text, middle text, last_name text, suffix text,
      uncertain boolean, reason text
    );
  end if;
end $$;

-- The word lists. A word is looked up by its key: lower case, without dots, commas and brackets
-- ("Dr." -> dr, "Ph.D." -> phd, "v.d." -> vd, "(Pty)" -> pty). `key = any(list)` on a constant
-- list is a hash lookup; lib.name_keywords is every list at once, so an ordinary word costs one
-- lookup. (replace() returns a word without the character untouched; translate() would copy it.)
create or replace function lib.name_key(tok text) returns text
language sql immutable parallel safe as $$
  select lower(replace(replace(replace(replace(tok, '.', ''), ',', ''), '(', ''), ')', ''))
$$;

-- Salutations, English, Afrikaans (meneer, mevrou, mejuffrou, me, dominee, eerwaarde) and
-- French (monsieur, madame, mademoiselle, maître, professeur, docteur(e), monseigneur). French
-- "M." is not here: it is a salutation only with its dot and only where the name allows
-- (lib.salutation_of, lib.split_name).
create or replace function lib.name_title_words() returns text[]
language sql immutable parallel safe as $$
  select array['mr', 'mister', 'mrs', 'ms', 'miss', 'mx', 'dr', 'doctor', 'prof', 'professor', 'rev',
    'revd', 'reverend', 'fr', 'father', 'sir', 'dame', 'lady', 'lord', 'adv', 'advocate', 'hon', 'judge',
    'capt', 'captain', 'col', 'gen', 'maj', 'lt', 'sgt', 'pastor', 'rabbi', 'imam', 'sheikh',
    'mnr', 'meneer', 'mev', 'mevrou', 'mej', 'mejuffrou', 'me', 'ds', 'dominee', 'eerw',
    'monsieur', 'mme', 'madame', 'mlle', 'mademoiselle', 'maître', 'maitre', 'pr', 'professeur',
    'dre', 'docteur', 'docteure', 'mgr', 'monseigneur']
$$;

-- Suffixes: generational (Jr, Jnr, Sr, Snr, II-IV, French fils / père) and post-nominal.
-- "casa" is CA(SA), only when written with its brackets.
create or replace function lib.name_suffix_words() returns text[]
language sql immutable parallel safe as $$
  select array['jr', 'jnr', 'junior', 'sr', 'snr', 'senior', 'ii', 'iii', 'iv', 'phd', 'md', 'esq',
    'cpa', 'mba', 'dds', 'jd', 'rn', 'casa', 'ca', 'obe', 'mbe', 'cbe', 'qc', 'kc', 'sc', 'pe', 'cfa',
    'cfp', 'llb', 'fcpa', 'preng', 'fils', 'père', 'pere']
$$;

-- Surname particles that are never a first name: at the start of a name they make it a surname
-- standing alone ("Van Wyk", "du Toit").
create or replace function lib.name_particle_words() returns text[]
language sql immutable parallel safe as $$
  select array['van', 'von', 'der', 'den', 'de', 'des', 'du', 'della', 'delle', 'dei', 'dos', 'das',
    'le', 'la', 'ter', 'ten', 'vander', 'vanden', 'vd', 'd''', 'l''', 'van''t', '''t', 'zu', 'zur', 'dela']
$$;

-- Particles that are also first names (Ben, Al, Del, Les, Di ...): they start a surname only
-- after the first word ("Mohammed bin Salman", "Leonardo da Vinci", "Mary St. John").
create or replace function lib.name_weak_particle_words() returns text[]
language sql immutable parallel safe as $$
  select array['ben', 'bin', 'binti', 'bint', 'ibn', 'abu', 'al', 'el', 'mac', 'ap', 'di', 'da', 'do',
    'del', 'dal', 'les', 'te', 'op', 'st']
$$;

-- Words that make a "name" look like a company (English, Afrikaans and French legal forms and
-- trade words).
create or replace function lib.company_name_words() returns text[]
language sql immutable parallel safe as $$
  select array['pty', 'ltd', 'llc', 'inc', 'cc', 'gmbh', 'limited', 'corp', 'corporation', 'holdings',
    'trading', 'enterprises', 'solutions', 'services', 'company', 'group', 'consulting', 'consultants',
    'sarl', 'sas', 'ltée', 'ltee', 'enr', 'bk', 'bpk', 'edms', 'plc', 'llp', 'npc', 'trust', 'foundation',
    'association', 'industries', 'investments', 'properties', 'logistics', 'technologies', 'systems',
    'international', 'agency', 'construction', 'motors']
$$;

-- "and" in English, Afrikaans and French: two people in one name.
create or replace function lib.name_and_words() returns text[]
language sql immutable parallel safe as $$
  select array['and', 'en', 'et', '&', '+']
$$;

create or replace function lib.name_keywords() returns text[]
language sql immutable parallel safe as $$
  select lib.name_title_words() || lib.name_suffix_words() || lib.name_particle_words()
    || lib.name_weak_particle_words() || lib.company_name_words() || lib.name_and_words()
$$;

-- Canonical salutation for a leading word, or null when the word is not one; with or without
-- the dot. "M." (Monsieur) only with its dot: a bare "M" is an initial.
create or replace function lib.salutation_of(tok text) returns text
language sql immutable parallel safe as $$
  select case
    when tok in ('M.', 'm.') then 'M.'
    when lib.name_key(tok) = any(lib.name_title_words()) then case lib.name_key(tok)
      when 'mr' then 'Mr.' when 'mister' then 'Mr.' when 'mrs' then 'Mrs.' when 'ms' then 'Ms.'
      when 'miss' then 'Miss' when 'mx' then 'Mx.' when 'dr' then 'Dr.' when 'doctor' then 'Dr.'
      when 'docteur' then 'Dr.' when 'prof' then 'Prof.' when 'professor' then 'Prof.'
      when 'rev' then 'Rev.' when 'revd' then 'Rev.' when 'reverend' then 'Rev.'
      when 'fr' then 'Fr.' when 'father' then 'Fr.' when 'sir' then 'Sir' when 'dame' then 'Dame'
      when 'lady' then 'Lady' when 'lord' then 'Lord' when 'adv' then 'Adv.' when 'advocate' then 'Adv.'
      when 'hon' then 'Hon.' when 'judge' then 'Judge' when 'capt' then 'Capt.' when 'captain' then 'Capt.'
      when 'col' then 'Col.' when 'gen' then 'Gen.' when 'maj' then 'Maj.' when 'lt' then 'Lt.'
      when 'sgt' then 'Sgt.' when 'pastor' then 'Pastor' when 'rabbi' then 'Rabbi' when 'imam' then 'Imam'
      when 'sheikh' then 'Sheikh'
      when 'mnr' then 'Mnr.' when 'meneer' then 'Mnr.' when 'mev' then 'Mev.' when 'mevrou' then 'Mev.'
      when 'mej' then 'Mej.' when 'mejuffrou' then 'Mej.' when 'ds' then 'Ds.' when 'dominee' then 'Ds.'
      when 'eerw' then 'Eerw.'
      -- French abbreviations that end with the word's last letter take no dot: Mme, Mlle, Me, Dre
      when 'me' then 'Me' when 'maître' then 'Me' when 'maitre' then 'Me' when 'monsieur' then 'M.'
      when 'mme' then 'Mme' when 'madame' then 'Mme' when 'mlle' then 'Mlle' when 'mademoiselle' then 'Mlle'
      when 'pr' then 'Pr' when 'professeur' then 'Pr' when 'dre' then 'Dre' when 'docteure' then 'Dre'
      when 'mgr' then 'Mgr' when 'monseigneur' then 'Mgr'
    end end
$$;

-- Canonical suffix for a trailing word, or null.
create or replace function lib.name_suffix_of(tok text) returns text
language sql immutable parallel safe as $$
  select case
    when lib.name_key(tok) = any(lib.name_suffix_words())
         and (lib.name_key(tok) <> 'casa' or position('(' in tok) > 0) then case lib.name_key(tok)
      when 'jr' then 'Jr.' when 'junior' then 'Jr.' when 'jnr' then 'Jnr.'
      when 'sr' then 'Sr.' when 'senior' then 'Sr.' when 'snr' then 'Snr.'
      when 'ii' then 'II' when 'iii' then 'III' when 'iv' then 'IV'
      when 'phd' then 'PhD' when 'md' then 'MD' when 'esq' then 'Esq.' when 'cpa' then 'CPA'
      when 'mba' then 'MBA' when 'dds' then 'DDS' when 'jd' then 'JD' when 'rn' then 'RN'
      when 'casa' then 'CA(SA)' when 'ca' then 'CA' when 'obe' then 'OBE' when 'mbe' then 'MBE'
      when 'cbe' then 'CBE' when 'qc' then 'QC' when 'kc' then 'KC' when 'sc' then 'SC' when 'pe' then 'PE'
      when 'cfa' then 'CFA' when 'cfp' then 'CFP' when 'llb' then 'LLB' when 'fcpa' then 'FCPA'
      when 'preng' then 'Pr.Eng.'
      when 'fils' then 'fils' when 'père' then 'père' when 'pere' then 'père'
    end end
$$;

create or replace function lib.is_strong_name_particle(tok text) returns boolean
language sql immutable parallel safe as $$
  select lib.name_key(tok) = any(lib.name_particle_words())
$$;

-- Any particle; "y" (Spanish, joining two surnames) only in lower case, "Y" is an initial.
create or replace function lib.is_name_particle(tok text) returns boolean
language sql immutable parallel safe as $$
  select lib.name_key(tok) = any(lib.name_particle_words())
      or lib.name_key(tok) = any(lib.name_weak_particle_words()) or tok = 'y'
$$;

-- An initial: "J", "J.", "J.K.", "J.R.R." (a middle initial is fine; a name of only initials is not).
create or replace function lib.is_initial(tok text) returns boolean
language sql immutable parallel safe as $$
  select (char_length(tok) <= 2 or position('.' in tok) > 0) and tok ~ '^[[:alpha:]](\.[[:alpha:]])*\.?$'
$$;

-- One letter saying what a word of a name is, so that a name is read once into a short string
-- ('.P.' for "Jan van Merwe") and its shape tested with position/substr instead of one lookup
-- per question: T salutation (M for French "M."), S suffix, P particle that is never a first
-- name, p other particle, d a surname written with d'/l' ("d'Arc"), C company word, A "and",
-- I initial, w a word starting in lower case, '.' any other word; '' for no word.
create or replace function lib.name_word_class(tok text) returns text
language sql immutable parallel safe as $$
  select case
    when tok is null or tok = '' then ''
    when tok in ('M.', 'm.') then 'M'
    when lib.name_key(tok) = any(lib.name_keywords()) then case
      when lib.name_key(tok) = any(lib.name_title_words()) then 'T'
      when lib.name_suffix_of(tok) is not null then 'S'
      when lib.name_key(tok) = any(lib.name_particle_words()) then 'P'
      when lib.name_key(tok) = any(lib.name_weak_particle_words()) then 'p'
      when lib.name_key(tok) = any(lib.company_name_words()) then 'C'
      when lib.name_key(tok) = any(lib.name_and_words()) then 'A'
      else '.' end
    when tok = 'y' then 'p'
    when substr(tok, 2, 1) in ('''', '’') and lower(left(tok, 1)) in ('d', 'l') then 'd'
    when lib.is_initial(tok) then 'I'
    when left(tok, 1) <> upper(left(tok, 1)) then 'w'
    else '.'
  end
$$;

-- The classes of the words of a name, one letter each (lib.name_word_class).
create or replace function lib.name_word_classes(t text[]) returns text
language plpgsql immutable parallel safe as $$
declare
  c text := lib.name_word_class(t[1]) || lib.name_word_class(t[2]) || lib.name_word_class(t[3])
            || lib.name_word_class(t[4]) || lib.name_word_class(t[5]);
begin
  for i in 6 .. coalesce(cardinality(t), 0) loop
    c := c || lib.name_word_class(t[i]);
  end loop;
  return c;
end
$$;

-- Proper case for one word written all-caps or all-lower: initcap handles hyphen and apostrophe
-- parts (Smith-Jones, O'Brien, D'Angelo); Mc always, Mac only for known surnames (Mack,
-- Machado, Macy stay as they are).
create or replace function lib.proper_case_word(w text) returns text
language sql immutable parallel safe as $$
  select case
    when lower(w) like 'mc__%' then 'Mc' || initcap(substr(w, 3))
    when lower(w) like 'mac%' and lower(w) ~ '^mac(donald|leod|kenzie|arthur|gregor|intosh|millan|lean|neil|pherson|kay|aulay|dougall|farlane|kinnon|lachlan|allister|alister|bride|callum|donnell|ewan|gillivray|innes|iver|kinley|laren|master|namara|nab|nally|queen|rae|ray|tavish|cormack|caskill|kie)($|-)'
      then 'Mac' || initcap(substr(w, 4))
    when lower(w) like '%-mc__%'
      then initcap(split_part(w, '-', 1)) || '-Mc' || initcap(substr(w, position('-' in w) + 3))
    else initcap(w)
  end
$$;


-- Re-case the words of a name. all_words: the text was written in one case, so every word is
-- proper-cased (particles too: lib.surname_case puts them right once the surname is known).
-- Otherwise only the words not cased on purpose are: all-lower words that are not particles,
-- all-caps words of 3+ letters ("Jean DUPONT") and all-caps particles after the first word
-- ("Jan VAN DER Merwe"); mixed case (DeVries, McKenzie) and 2-letter capitals (AJ, JP) stay.
-- Two capitals without a vowel (JP, TJ) are initials and stay in either mode.
create or replace function lib.name_recase(s text, all_words boolean) returns text
language plpgsql immutable parallel safe as $$
declare
  w text[] := string_to_array($1, ' ');
  x text;
  caps boolean;
begin
  for i in 1 .. coalesce(cardinality(w), 0) loop
    x := w[i];
    caps := x = upper(x) and x <> lower(x);
    if not (caps or (x = lower(x) and x <> upper(x))) then
      continue;
    elsif caps and char_length(x) = 2 and x !~* '[aeiouy]' then
      continue;
    elsif all_words then
      w[i] := lib.proper_case_word(x);
    elsif lib.is_name_particle(x) then
      if caps then
        w[i] := case when i = 1 or lower(x) in ('st', 'st.', 'mac') then initcap(x) else lower(x) end;
      end if;
    elsif not caps or char_length(x) >= 3 then
      w[i] := lib.proper_case_word(x);
    end if;
  end loop;
  return array_to_string(w, ' ');
end
$$;

-- lib.name_recase(s, true) for a name written in one case, as initcap() when no word needs more
-- care than initcap gives (Mc / Mac, two capitals without a vowel).
create or replace function lib.name_recase_all(s text) returns text
language sql immutable parallel safe as $$
  select case when s ~* '(^| |-)ma?c|(^| )[^aeiouy .''-]{2}( |$)' then lib.name_recase(s, true) else initcap(s) end
$$;

-- Particles of a re-cased surname: lower case inside a full name ("Jan van der Merwe"), a capital
-- on the first one when the surname stands alone ("Van der Merwe"). St and Mac keep theirs.
create or replace function lib.surname_case(last text, standalone boolean) returns text
language plpgsql immutable parallel safe as $$
declare
  w text[] := string_to_array($1, ' ');
begin
  for i in 1 .. coalesce(cardinality(w), 0) loop
    if lib.is_name_particle(w[i]) and lower(w[i]) not in ('st', 'st.', 'mac') then
      w[i] := case when i = 1 and standalone then initcap(w[i]) else lower(w[i]) end;
    end if;
  end loop;
  return array_to_string(w, ' ');
end
$$;

-- {text without nicknames, the nicknames}: a nickname is a word group in double quotes, curly
-- quotes, single quotes standing apart (not O'Brien) or brackets: Robert "Bob" Smith,
-- Elizabeth (Liz) Taylor, Jean 'Johnny' Botha. "CA (SA)" is a suffix, not a nickname.
create or replace function lib.name_drop_nicknames(s text) returns text[]
language plpgsql immutable parallel safe as $$
declare
  v text := regexp_replace($1, '\m(ca) \((sa)\)', '\1(\2)', 'gi');
  x text;
  nick text;
begin
  loop
    x := substring(v from '(?:^| )("[^"]*"|“[^”]*”|''[^'']*''(?= |$)|\([^)]*\)|\[[^]]*\])');
    exit when x is null;
    nick := concat_ws(', ', nick, nullif(btrim(x, '"“”''()[] '), ''));
    v := replace(v, x, ' ');
  end loop;
  return array[nullif(regexp_replace(btrim(v), '\s+', ' ', 'g'), ''), nick];
end
$$;

-- {text before the trailing comma parts that are only suffixes, those suffixes (canonical)}:
-- 'Smith, John, Jr.' -> {'Smith, John', 'Jr.'}; 'John Smith, PhD, CPA' -> {'John Smith', 'PhD CPA'}.
create or replace function lib.name_comma_suffixes(s text) returns text[]
language plpgsql immutable parallel safe as $$
declare
  t text[] := string_to_array($1, ',');
  n int := cardinality(t);
  part text;
  y text;
  found text;
  suf text;
begin
  while n > 1 loop
    part := btrim(t[n]);
    if part <> '' then
      found := null;
      foreach y in array string_to_array(part, ' ') loop
        if lib.name_suffix_of(y) is null then
          return array[btrim(array_to_string(t[1:n], ',')), suf];
        end if;
        found := concat_ws(' ', found, lib.name_suffix_of(y));
      end loop;
      suf := concat_ws(' ', found, suf);
    end if;
    n := n - 1;
  end loop;
  return array[btrim(t[1]), suf];
end
$$;

create or replace function lib.split_name(full text) returns lib.name_parts
language plpgsql immutable parallel safe as $$
declare
  s text := btrim($1);
  t text[];
  c text;
  v text[];
  n int;
  a int;
  b int;
  p int;
  w text;
  x text;
  y text;
  why text;
  note text;
  sal text;
  suf text;
  first_name text;
  middle text;
  last_name text;
  comma_last text;
  company boolean := false;
  recased boolean := false;
begin
  -- squished; the regex only for the few names with a tab, a line break or a double space
  if position('  ' in s) + strpos(s, E'\t') + strpos(s, E'\n') + strpos(s, E'\r') > 0 then
    s := btrim(regexp_replace(s, '\s+', ' ', 'g'));
  end if;
  if s is null or s = '' then
    return row(null, null, null, null, null, true, 'empty name')::lib.name_parts;
  end if;

  -- Fast paths for the usual shapes, each giving the parts the full rule below would give:
  -- one to three capitalised mixed-case words, or a middle initial ("Anna Karenina", "DeShawn
  -- McKenzie", "John Q. Public", "Mary Anne Smith"), a title first ("Dr Jane Doe") or a suffix
  -- last ("John Smith Jr."); then a first name and a surname led by lower-case particles ("Jan
  -- van der Merwe"). A first name that is also a particle (Ben, Al) is fine first.
  if s ~ '^[[:upper:]][[:alpha:]''-]*[[:lower:]][[:alpha:]''-]*\.?(?:(?: [[:upper:]][[:alpha:]''-]*[[:lower:]][[:alpha:]''-]*){1,2}| [[:upper:]]\.? [[:upper:]][[:alpha:]''-]*[[:lower:]][[:alpha:]''-]*)?\.?$' then
    w := split_part(s, ' ', 1);
    y := split_part(s, ' ', 2);
    x := split_part(s, ' ', 3);
    if y = '' then
      if not (lib.name_key(w) = any(lib.name_keywords())) then
        return row(null, null, null, w, null, false, null)::lib.name_parts;
      end if;
    elsif not (lib.name_key(w) = any(lib.name_keywords())) or lib.name_key(w) = any(lib.name_weak_particle_words()) then
      if x = '' then
        if not (lib.name_key(y) = any(lib.name_keywords())) then
          return row(null, w, null, y, null, false, null)::lib.name_parts;
        end if;
      elsif not (lib.name_key(x) = any(lib.name_keywords())) then
        if char_length(y) <= 2 then
          return row(null, w, y, x, null, false, null)::lib.name_parts;
        elsif not (lib.name_key(y) = any(lib.name_keywords())) and substr(y, 2, 1) <> '''' then
          return row(null, w, null, y || ' ' || x, null, true,
                     '3 words without a particle: taken as first name + last name')::lib.name_parts;
        end if;
      elsif char_length(y) > 2 and lib.name_suffix_of(x) is not null and not (lib.name_key(y) = any(lib.name_keywords())) then
        return row(null, w, null, y, lib.name_suffix_of(x), false, null)::lib.name_parts;
      end if;
    elsif x <> '' and char_length(y) > 2 and lib.name_key(w) = any(lib.name_title_words())
          and not (lib.name_key(y) = any(lib.name_keywords())) and not (lib.name_key(x) = any(lib.name_keywords())) then
      return row(lib.salutation_of(w), y, null, x, null, false, null)::lib.name_parts;
    end if;
  elsif s ~ '^[[:upper:]][[:alpha:]''-]*[[:lower:]][[:alpha:]''-]*(?: [[:lower:]]+){1,3} [[:upper:]][[:alpha:]''-]*[[:lower:]][[:alpha:]''-]*$' then
    t := string_to_array(s, ' ');
    n := cardinality(t);
    if (not (lib.name_key(t[1]) = any(lib.name_keywords())) or lib.name_key(t[1]) = any(lib.name_weak_particle_words()))
       and not (lib.name_key(t[n]) = any(lib.name_keywords()))
       and lib.is_name_particle(t[2]) and (n < 4 or lib.is_name_particle(t[3])) and (n < 5 or lib.is_name_particle(t[4])) then
      return row(null, t[1], null, array_to_string(t[2:n], ' '), null, false, null)::lib.name_parts;
    end if;
  end if;

  -- Anything beyond letters, spaces, dots, apostrophes and hyphens.
  if s ~ '[^[:alpha:] .''’-]|(^| )''|\.[[:alpha:]]{2}' then
    if position('@' in s) > 0 then why := 'looks like an email address'; end if;
    if s ~ '[0-9]' then why := concat_ws('; ', why, 'contains digits'); end if;
    if s ~ '[[:alpha:]][&+/][[:alpha:]]' then why := concat_ws('; ', why, 'looks like two people'); end if;
    company := string_to_array(translate(lower(s), '.,()', '    '), ' ') && lib.company_name_words();
    -- Nicknames in quotes or brackets are dropped and named in the reason; not in a company
    -- name ("Acme (Pty) Ltd" keeps its words).
    if not company and s ~ '["“”()\[]|(^| )''' then
      v := lib.name_drop_nicknames(s);
      s := v[1];
      note := v[2];
      if s is null then
        return row(null, null, null, null, null, true, concat_ws('; ', why, 'no name outside quotes or brackets'))::lib.name_parts;
      end if;
    end if;
    -- "Dr.Jane Doe": a title glued to the name.
    if s ~ '^[[:alpha:]]{2,5}\.[[:alpha:]]{2}' and lib.salutation_of(split_part(s, '.', 1)) is not null then
      s := split_part(s, '.', 1) || '. ' || substr(s, position('.' in s) + 1);
    end if;
    -- Comma forms. Trailing comma parts made only of suffixes come off first ("Smith, John, Jr.",
    -- "John Smith, PhD"); one comma left means "Last, First".
    if position(',' in s) > 0 then
      v := lib.name_comma_suffixes(s);
      s := v[1];
      suf := v[2];
      v := string_to_array(s, ',');
      if cardinality(v) = 2 and btrim(v[1]) <> '' then
        comma_last := btrim(v[1]);
        s := btrim(v[2]);
      elsif cardinality(v) > 2 then
        why := concat_ws('; ', why, 'several commas');
      end if;
      s := btrim(regexp_replace(replace(s, ',', ' '), '\s+', ' ', 'g'));
    end if;
  end if;

  t := string_to_array(s, ' ');
  n := cardinality(t);
  c := case when n <= 5
            then lib.name_word_class(t[1]) || lib.name_word_class(t[2]) || lib.name_word_class(t[3])
                 || lib.name_word_class(t[4]) || lib.name_word_class(t[5])
            else lib.name_word_classes(t) end;

  -- Case. Written in one case: every word re-cased (lib.name_recase_all). Mixed case: only words written in capitals
  -- or lower case by accident. An email address is left as written. (One test for the usual
  -- name that needs none of it: some lower case, some upper case, no run of capitals, no word
  -- starting in lower case.)
  x := concat_ws(' ', comma_last, s);
  if x ~ '^[^[:lower:]]*$|^[^[:upper:]]*$|[[:upper:]]{2}|(^| )[[:lower:]]' and position('@' in x) = 0 then
    if x = upper(x) or x = lower(x) then
      recased := true;
      s := lib.name_recase_all(s);
      comma_last := lib.name_recase_all(comma_last);
      t := string_to_array(s, ' ');
    elsif position('w' in c) > 0 or x ~ '[[:upper:]]{2}' or comma_last ~ '(^| )[[:lower:]]' then
      s := lib.name_recase(s, false);
      comma_last := lib.name_recase(comma_last, false);
      t := string_to_array(s, ' ');
    end if;
  end if;

  a := 1;
  b := n;
  -- Trailing suffixes ("Jr", "III", "PhD"); never the only word left.
  while b > a and substr(c, b, 1) = 'S' loop
    suf := concat_ws(' ', lib.name_suffix_of(t[b]), suf);
    b := b - 1;
  end loop;
  -- Leading salutations ("Prof Dr", "Mnr.", "Mme"). Without a comma one word must remain for the
  -- name. French "M." is Monsieur only before a word that is not an initial, and (without a
  -- comma) before at least two words: "M. Jean Dupont" is Monsieur, "M. Smith" an initial.
  if comma_last is null and position('M' in c) = 0 then
    while a < b and substr(c, a, 1) = 'T' loop
      sal := concat_ws(' ', sal, lib.salutation_of(t[a]));
      a := a + 1;
    end loop;
  else
    while a <= b and substr(c, a, 1) in ('T', 'M') loop
      exit when comma_last is null and a = b;
      exit when substr(c, a, 1) = 'M' and (a = b or substr(c, a + 1, 1) = 'I' or (comma_last is null and b - a < 2));
      sal := concat_ws(' ', sal, lib.salutation_of(t[a]));
      a := a + 1;
    end loop;
  end if;

  if comma_last is not null then
    -- "Smith Jr., John", "Dr. Smith, John": suffix and title on the last-name side.
    v := string_to_array(comma_last, ' ');
    p := cardinality(v);
    while p > 1 and lib.name_suffix_of(v[p]) is not null loop
      suf := concat_ws(' ', lib.name_suffix_of(v[p]), suf);
      p := p - 1;
    end loop;
    n := 1;
    while n < p and lib.salutation_of(v[n]) is not null and v[n] not in ('M.', 'm.') loop
      sal := concat_ws(' ', sal, lib.salutation_of(v[n]));
      n := n + 1;
    end loop;
    last_name := array_to_string(v[n:p], ' ');
    -- "Merwe, Jan van der": particles written after the first name belong to the surname.
    while b > a and substr(c, b, 1) = 'P' loop
      last_name := t[b] || ' ' || last_name;
      b := b - 1;
    end loop;
    if b >= a then
      first_name := t[a];
      if b > a then middle := array_to_string(t[a + 1:b], ' '); end if;
    elsif sal is null then
      why := concat_ws('; ', why, 'nothing after the comma');
    end if;
  elsif n = 0 then
    -- only suffixes were written
    last_name := coalesce(suf, s);
    suf := null;
    why := concat_ws('; ', why, 'no name besides a suffix');
  elsif a = b then
    last_name := t[a];
    if substr(c, a, 1) in ('T', 'M') then why := concat_ws('; ', why, 'only a title'); end if;
    if substr(c, a, 1) = 'S' then why := concat_ws('; ', why, 'only a suffix'); end if;
  elsif b = a + 1 then
    if substr(c, a, 1) = 'P' or (substr(c, a, 1) = 'p' and not recased and t[a] = lower(t[a])) then
      last_name := t[a] || ' ' || t[b];
      why := concat_ws('; ', why, 'surname with particle only, no first name');
    else
      first_name := t[a];
      last_name := t[b];
    end if;
  else
    -- The first particle after the first word starts the last name ("Jan van der Merwe",
    -- "Marie de la Fontaine", "Jeanne d'Arc"); "y" joins two surnames ("Ortega y Gasset").
    p := strpos(translate(substr(c, a + 1, b - a - 1), 'Ppd', '***'), '*');
    if substr(c, a, 1) = 'P' then
      last_name := array_to_string(t[a:b], ' ');
      why := concat_ws('; ', why, 'surname with particle only, no first name');
    elsif p > 0 then
      p := a + p;
      if t[p] = 'y' and p > a + 1 then p := p - 1; end if;
      first_name := t[a];
      if p > a + 1 then middle := array_to_string(t[a + 1:p - 1], ' '); end if;
      last_name := array_to_string(t[p:b], ' ');
    else
      first_name := t[a];
      if translate(substr(c, a + 1, b - a - 1), 'I', '') = '' then
        -- "John F. Kennedy", "Mary J K Smith": the middle words are initials
        middle := array_to_string(t[a + 1:b - 1], ' ');
        last_name := t[b];
      else
        -- Everything after the first word is the last name. It could be a middle name
        -- ("Mary Anne Smith") or a double surname ("José García López"): ask.
        last_name := array_to_string(t[a + 1:b], ' ');
        why := concat_ws('; ', why, format('%s words without a particle: taken as first name + last name', b - a + 1));
      end if;
    end if;
  end if;

  if recased and position(' ' in last_name) > 0 then
    last_name := lib.surname_case(last_name, first_name is null);
  end if;
  -- (one test for the usual name: no company word, "and", initial, comma or earlier doubt)
  if company or why is not null or comma_last is not null or c ~ '[CAI]' then
    if company or position('C' in c) > 0 then why := concat_ws('; ', 'looks like a company name', why); end if;
    if position('A' in c) > 0 then why := concat_ws('; ', why, 'looks like two people'); end if;
    if lib.is_initial(last_name) then
      why := concat_ws('; ', why, 'last name is an initial');
      if lib.is_initial(first_name) then why := concat_ws('; ', why, 'initials only'); end if;
    end if;
  end if;
  return row(sal, first_name, middle, last_name, suf, why is not null,
             nullif(concat_ws('; ', why, 'nickname dropped: ' || note), ''))::lib.name_parts;
end
$$;

-- The name of a person, from an export that may have First / Last columns, a full-name column,
-- or both. The one entry point for staging models.
--   * First and Last both given: the export's split is kept. Each column is only squished and,
--     when written wholly in capitals or lower case, re-cased. A leading title in First goes to
--     salutation, a trailing suffix in Last to suffix. A middle name stays in first_name.
--   * Only Last: "Gonzalez, Maria" is split as Last, First, and a whole name ("Aisha Anderson")
--     by lib.split_name; a single word or a surname starting with a particle ("Van der Merwe")
--     is the last name.
--   * Only First: a whole name ("Mary Smith") is split by lib.split_name. A single word is split
--     from full when full has a value, else it becomes the last name (flagged).
--   * No columns: lib.split_name(full).
-- Every word written ends up in exactly one part, except nicknames in quotes or brackets, which
-- are dropped and named in the reason.
create or replace function lib.person_name(first text, last text, full text) returns lib.name_parts
language plpgsql immutable parallel safe as $$
declare
  f text := nullif(btrim($1), '');
  l text := nullif(btrim($2), '');
  r lib.name_parts;
  ft text[];
  lt text[];
  v text[];
  cf text;
  cl text;
  n int;
  a int;
  b int;
  x text;
  y text;
  why text;
  note text;
  sal text;
  suf text;
begin
  -- squished; the regex only for the few columns with a tab, a line break or a double space
  if position('  ' in f) + strpos(f, E'\t') + strpos(f, E'\n') + strpos(f, E'\r') > 0 then
    f := nullif(btrim(regexp_replace(f, '\s+', ' ', 'g')), '');
  end if;
  if position('  ' in l) + strpos(l, E'\t') + strpos(l, E'\n') + strpos(l, E'\r') > 0 then
    l := nullif(btrim(regexp_replace(l, '\s+', ' ', 'g')), '');
  end if;
  if l is null then
    if f is null then
      return lib.split_name($3);
    elsif position(' ' in f) > 0 or position(',' in f) > 0 then
      return lib.split_name(f);
    elsif nullif(btrim($3), '') is not null then
      return lib.split_name($3);
    end if;
    r := lib.split_name(f);
    r.uncertain := true;
    r.reason := concat_ws('; ', r.reason, 'only a First Name: taken as the last name');
    return r;
  end if;
  -- Only Last, holding "Gonzalez, Maria" or a whole name ("Aisha Anderson"): split it. A surname
  -- that starts with a particle ("Van der Merwe") stands alone.
  if f is null and (position(',' in l) > 0 or (position(' ' in l) > 0 and not lib.is_strong_name_particle(split_part(l, ' ', 1)))) then
    return lib.split_name(l);
  end if;

  -- Fast path: First of one or two capitalised mixed-case words, none a title, suffix, company
  -- word or particle (a first name that is also one, like Ben, is fine first); Last a
  -- capitalised mixed-case word, after lower-case particles if any ("van der Merwe"); the two
  -- columns different.
  if (coalesce(f, '') || '|' || l) ~ '^(?:[[:upper:]][[:alpha:]''-]*[[:lower:]][[:alpha:]''-]*(?: [[:upper:]][[:alpha:]''-]*[[:lower:]][[:alpha:]''-]*)?)?\|(?:[[:lower:]]+ ){0,3}[[:upper:]][[:alpha:]''-]*[[:lower:]][[:alpha:]''-]*$' then
    x := split_part(f, ' ', 1);
    y := split_part(f, ' ', 2);
    if (f is null or not (lib.name_key(x) = any(lib.name_keywords())) or lib.name_key(x) = any(lib.name_weak_particle_words()))
       and (f is null or y = '' or not (lib.name_key(y) = any(lib.name_keywords())))
       and lower(coalesce(f, '')) <> lower(l) and lower(coalesce(y, '')) <> lower(l) then
      if position(' ' in l) = 0 then
        if not (lib.name_key(l) = any(lib.name_keywords())) then
          return row(null, f, null, l, null, false, null)::lib.name_parts;
        end if;
      else
        lt := string_to_array(l, ' ');
        n := cardinality(lt);
        if not (lib.name_key(lt[n]) = any(lib.name_keywords())) and lib.is_name_particle(lt[1])
           and (n < 3 or lib.is_name_particle(lt[2])) and (n < 4 or lib.is_name_particle(lt[3])) then
          return row(null, f, null, l, null, false, null)::lib.name_parts;
        end if;
      end if;
    end if;
  end if;

  -- Doubts about what is written in either column.
  x := concat_ws(' ', f, l);
  if x ~ '[^[:alpha:] .''’-]|(^| )''' then
    if position('@' in x) > 0 then why := 'looks like an email address'; end if;
    if x ~ '[0-9]' then why := concat_ws('; ', why, 'contains digits'); end if;
    if x ~ '[[:alpha:]][&+/][[:alpha:]]' then why := concat_ws('; ', why, 'looks like two people'); end if;
    if string_to_array(translate(lower(x), '.,()', '    '), ' ') && lib.company_name_words() then
      why := concat_ws('; ', 'looks like a company name', why);
    elsif x ~ '["“”()\[]|(^| )''' then
      -- a column that would be empty without its nickname keeps it
      v := lib.name_drop_nicknames(f);
      if v[1] is not null then f := v[1]; note := v[2]; end if;
      v := lib.name_drop_nicknames(l);
      if v[1] is not null then l := v[1]; note := concat_ws(', ', note, v[2]); end if;
    end if;
  end if;
  -- Last: trailing suffixes ("Smith Jr.", "Smith, Jr.", "Smith III").
  if position(',' in l) > 0 then
    v := lib.name_comma_suffixes(l);
    l := v[1];
    suf := v[2];
    if position(',' in l) > 0 then why := concat_ws('; ', why, 'comma in the Last Name'); end if;
  end if;
  ft := string_to_array(f, ' ');
  lt := string_to_array(l, ' ');
  cf := lib.name_word_classes(ft);
  cl := lib.name_word_classes(lt);
  if position('C' in cf || cl) > 0 and coalesce(position('company' in why), 0) = 0 then
    why := concat_ws('; ', 'looks like a company name', why);
  end if;
  if position('A' in cf || cl) > 0 then why := concat_ws('; ', why, 'looks like two people'); end if;

  -- First: leading titles ("Dr. John", "Mme Claire", "Mnr"). "M." alone or before an initial is
  -- an initial; before a name (and the Last Name) it is Monsieur.
  n := coalesce(cardinality(ft), 0);
  a := 1;
  while a <= n and substr(cf, a, 1) in ('T', 'M') loop
    exit when substr(cf, a, 1) = 'M' and (a = n or substr(cf, a + 1, 1) = 'I');
    sal := concat_ws(' ', sal, lib.salutation_of(ft[a]));
    a := a + 1;
  end loop;
  if a > 1 then f := nullif(array_to_string(ft[a:n], ' '), ''); end if;
  if f is not null and substr(cf, n, 1) = 'P' then
    why := concat_ws('; ', why, format('First Name ends with the particle "%s": is the surname split across the columns?', ft[n]));
  end if;
  -- Last: trailing suffixes, never the only word.
  n := cardinality(lt);
  b := n;
  while b > 1 and substr(cl, b, 1) = 'S' loop
    suf := concat_ws(' ', lib.name_suffix_of(lt[b]), suf);
    b := b - 1;
  end loop;
  if b < n then l := array_to_string(lt[1:b], ' '); end if;

  -- Case, column by column: only a column written wholly in capitals or lower case is re-cased.
  if f is not null and (f = upper(f) or f = lower(f)) and position('@' in f) = 0 then
    f := lib.name_recase_all(f);
  end if;
  if (l = upper(l) or l = lower(l)) and position('@' in l) = 0 then
    l := lib.name_recase_all(l);
    if position(' ' in l) > 0 then l := lib.surname_case(l, f is null); end if;
  end if;

  if lower(f) = lower(l) then
    why := concat_ws('; ', why, 'First Name and Last Name are the same');
  elsif lower(right(f, char_length(l) + 1)) = ' ' || lower(l) then
    why := concat_ws('; ', why, 'First Name ends with the Last Name');
  end if;
  if lib.is_initial(l) then
    why := concat_ws('; ', why, 'last name is an initial');
    if lib.is_initial(f) then why := concat_ws('; ', why, 'initials only'); end if;
  end if;
  return row(sal, f, null, l, suf, why is not null,
             nullif(concat_ws('; ', why, 'nickname dropped: ' || note), ''))::lib.name_parts;
end
$$;
