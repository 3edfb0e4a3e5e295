-- Company names: a normalised key that joins spelling variants, the display name a cluster
-- of variants resolves to, and near-duplicates the key does not join (reported, not merged).

-- Accented letters to ASCII with translate(): unaccent is an extension a server may lack,
-- and translate() is immutable (usable in indexes and in table models).
-- Plain ASCII (most names) returns at once: translate() over this multibyte table costs ~10 us.
create or replace function lib.fold_accents(v text) returns text
language sql immutable parallel safe as $$
  select case when v !~ '[^\x01-\x7f]' then v else replace(replace(replace(replace(replace(replace(translate(v,
    'ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćĈĉĊċČčĎďĐđÈÉÊËèéêëĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħÌÍÎÏìíîïĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłÑñŃńŅņŇňÒÓÔÕÖØòóôõöøŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųŴŵÝýÿŶŷŸŹźŻżŽž',
    'AAAAAAaaaaaaAaAaAaCcCcCcCcCcDdDdEEEEeeeeEeEeEeEeEeGgGgGgGgHhHhIIIIiiiiIiIiIiIiIiJjKkLlLlLlLlLlNnNnNnNnOOOOOOooooooOoOoOoRrRrRrSsSsSsSsTtTtTtUUUUuuuuUuUuUuUuUuUuWwYyyYyYZzZzZz'),
    'ß', 'ss'), 'Æ', 'AE'), 'æ', 'ae'), 'Œ', 'OE'), 'œ', 'oe'), 'Þ', 'Th') end
$$;

-- Legal-form words that do not distinguish one company from another.
create or replace function lib.is_legal_suffix(tok text) returns boolean
language sql immutable parallel safe as $$
  -- one anchored pattern: a DFA test, cheaper than comparing the token with each form in turn
  select tok ~ '^(pty|ltd|limited|proprietary|inc|incorporated|llc|llp|lp|cc|corp|corporation|co|company|gmbh|ltee|sa|sas|sarl|srl|spa|bv|nv|plc|ag|kg|oy|ab|pvt|pte|npc|rf|soc|ulc|lda|pllc|pc|pa|bhd|sdn|kk|aps|as|asa|sl|sae|cie|et)$'
$$;

-- Normalised company key: lower case, accents folded, "&" and "and" dropped, punctuation
-- gone, a leading "the" and trailing legal forms removed, web addresses reduced to the name.
-- "ACME (Pty) Ltd." / "Acme Pty Ltd" / "acme" -> "acme".
create or replace function lib.company_key(name text) returns text
-- String operations, not arrays: called once per distinct spelling, which on a real export is
-- most of them (0.6M of 1M leads); array_agg/unnest per call cost 20 us, this a few.
language plpgsql immutable parallel safe as $$
declare
  s text := lower(lib.fold_accents(lib.squish(name)));
  last text;
  p int;
begin
  if s is null then return null; end if;
  -- web addresses written as the company: www.acme.co.za -> acme
  if s ~ '\.[a-z]{2,}' then
    s := regexp_replace(s, '^(https?://)?(www\.)?([a-z0-9-]+)\.(com|net|org|biz|io|co|ca|us|uk|za|de|fr|nl)(\.[a-z]{2})?/?$', '\3');
  end if;
  if strpos(s, '&') > 0 then
    -- HTML entities left by web exports ("Smith &amp; Sons", "O&#39;Neil")
    s := regexp_replace(s, '&amp;?', '&', 'g');
    s := regexp_replace(s, '&#0*39;|&apos;', '''', 'g');
    s := replace(s, '&', ' and ');
  end if;
  s := replace(s, '+', ' and ');
  -- dots and apostrophes join letters (L.L.C. -> llc, O'Neil -> oneil); other punctuation splits
  s := translate(s, '.''’`´', '');
  if s ~ '[^a-z0-9 ]' then s := regexp_replace(s, '[^a-z0-9]+', ' ', 'g'); end if;
  s := ' ' || btrim(s) || ' ';
  -- "and" is no word of a name ("Smith and Sons" = "Smith & Sons")
  while strpos(s, ' and ') > 0 loop s := replace(s, ' and ', ' '); end loop;
  if strpos(s, '  ') > 0 then s := regexp_replace(s, ' {2,}', ' ', 'g'); end if;
  s := btrim(s);
  -- a leading "the", unless it is the whole name
  if left(s, 4) = 'the ' then s := substr(s, 5); end if;
  -- trailing legal forms, repeatedly ("(Pty) Ltd", "Co. Ltd"), never down to nothing
  loop
    exit when strpos(s, ' ') = 0;
    p := length(s) - strpos(reverse(s), ' ') + 1;
    last := substr(s, p + 1);
    exit when not lib.is_legal_suffix(last);
    s := left(s, p - 1);
  end loop;
  return nullif(s, '');
end
$$;

-- Whether a variant carries a legal form ("Acme (Pty) Ltd" yes, "Acme" no).
create or replace function lib.has_legal_suffix(v text) returns boolean
language sql immutable parallel safe as $$
  select lib.company_key(v) is distinct from
         nullif(btrim(regexp_replace(regexp_replace(lower(lib.fold_accents(replace(replace(lib.squish(v), '&', ' and '), '+', ' and '))),
           '[.''’`´]', '', 'g'), '[^a-z0-9]+', ' ', 'g')), '')
     and lib.company_key(v) is not null
$$;

-- The display name of a cluster of variants. Rule, in order:
--   1. the variant written most often (after squishing spaces);
--   2. ties: one in mixed case over ALL CAPS / all lower;
--   3. then one that carries its legal form (Acme (Pty) Ltd over Acme);
--   4. then the longest; 5. then the first alphabetically.
create or replace function lib.company_display_name(variants text[]) returns text
language sql immutable parallel safe as $$
  select v
  from (select lib.squish(x) as v from unnest(variants) x) s
  where v is not null
  group by v
  order by count(*) desc,
           (v <> upper(v) and v <> lower(v)) desc,
           lib.has_legal_suffix(v) desc,
           length(v) desc,
           v collate "C"
  limit 1
$$;

-- Trigram similarity (0..1) as pg_trgm computes it: lower-cased words padded with two spaces
-- in front and one behind, distinct 3-character windows, |A ∩ B| / |A ∪ B|. Used when
-- pg_trgm is not installed; lib.name_similarity picks the extension when it is.
create or replace function lib.trigrams(v text) returns text[]
language sql immutable parallel safe as $$
  select coalesce(array_agg(distinct g), '{}')
  from (select '  ' || w || ' ' as p
        from regexp_split_to_table(lower(v), '[^[:alnum:]]+') w where w <> '') words,
       lateral (select substr(p, i, 3) as g from generate_series(1, length(p) - 2) i) grams
$$;

create or replace function lib.trigram_similarity(a text, b text) returns real
language sql immutable parallel safe as $$
  with ta as (select lib.trigrams(a) t), tb as (select lib.trigrams(b) t)
  select case when cardinality(ta.t) + cardinality(tb.t) = 0 then 0::real
    else (select count(*) from (select unnest(ta.t) intersect select unnest(tb.t)) i)::real
       / (select count(*) from (select unnest(ta.t) union select unnest(tb.t)) u)::real end
  from ta, tb
$$;

-- pg_trgm when it can be installed (it is trusted: a database owner may create it), else the
-- SQL implementation above, which gives the same numbers, only slower.
do $$
declare
  ext_schema text;
begin
  begin
    create extension if not exists pg_trgm;
  exception when others then
    raise notice 'pg_trgm not available (%); lib.name_similarity uses the SQL fallback', sqlerrm;
  end;
  select n.nspname into ext_schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  if ext_schema is not null then
    execute format('create or replace function lib.name_similarity(a text, b text) returns real
      language sql immutable parallel safe as $f$ select %I.similarity(a, b) $f$', ext_schema);
  else
    create or replace function lib.name_similarity(a text, b text) returns real
      language sql immutable parallel safe as $f$ select lib.trigram_similarity(a, b) $f$;
  end if;
end $$;

-- Pairs of company keys that differ but look alike (typos, missing words): candidates for a
-- person to merge or keep apart. Takes raw names; compares their keys.
--   select * from lib.company_near_duplicates(array(select company from stg_x.leads), 0.5);
-- With pg_trgm the pairs come from a trigram index (thousands of names in well under a
-- second); without it every pair is compared (fine for a few hundred distinct keys).
-- A key that is another key plus words ("acme" / "acme holdings") is also a candidate.
create or replace function lib.company_near_duplicates(names text[], threshold real default 0.5)
returns table (key_a text, key_b text, similarity real, variants_a text[], variants_b text[])
language plpgsql volatile as $$
declare
  ext text;
begin
  -- a second call in the same transaction replaces the first one's work table
  if to_regclass('pg_temp.lib_cnd_keys') is not null then drop table pg_temp.lib_cnd_keys; end if;
  create temp table lib_cnd_keys on commit drop as
    select k, array_agg(distinct n order by n) as variants
    from (select lib.company_key(x) as k, lib.squish(x) as n from unnest(names) x) v
    where k is not null group by k;
  select n.nspname into ext from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  if ext is not null then
    execute format('create index on lib_cnd_keys using gist (k %I.gist_trgm_ops)', ext);
    analyze lib_cnd_keys;
    perform set_config('pg_trgm.similarity_threshold', threshold::text, true);
    return query execute format($q$
      select a.k, b.k, %1$I.similarity(a.k, b.k), a.variants, b.variants
      from lib_cnd_keys a join lib_cnd_keys b on a.k < b.k and a.k operator(%1$I.%%) b.k
      union
      select least(a.k, b.k), greatest(a.k, b.k), %1$I.similarity(a.k, b.k),
             case when a.k < b.k then a.variants else b.variants end, case when a.k < b.k then b.variants else a.variants end
      from lib_cnd_keys b
      cross join lateral (select array_to_string((string_to_array(b.k, ' '))[1:i], ' ') as p
                          from generate_series(1, cardinality(string_to_array(b.k, ' ')) - 1) i) pre
      join lib_cnd_keys a on a.k = pre.p
      order by 3 desc, 1, 2$q$, ext);
  else
    return query
      select a.k, b.k, lib.name_similarity(a.k, b.k), a.variants, b.variants
      from lib_cnd_keys a join lib_cnd_keys b on a.k < b.k
      where lib.name_similarity(a.k, b.k) >= threshold
         or b.k like a.k || ' %' or a.k like b.k || ' %'
      order by 3 desc, 1, 2;
  end if;
end
$$;
