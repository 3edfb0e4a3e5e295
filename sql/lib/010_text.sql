-- Shared cleaning functions, used by every source's staging models.
-- Each function is immutable and null-safe so analysts can call them directly.

-- Trim and collapse inner whitespace; '' becomes null.
create or replace function lib.squish(v text) returns text
language sql immutable parallel safe as $$
  select nullif(regexp_replace(btrim(v), '\s+', ' ', 'g'), '')
$$;

-- An email address as written in an export cell, lower-cased and trimmed; null when empty.
-- Wrappers a mail client or a spreadsheet adds are removed, because the address inside is
-- unambiguous: 'mailto:a@b.com' (and any ?subject=... after it), '<a@b.com>' and
-- 'Name <a@b.com>' all give 'a@b.com'. Anything else is kept as written, so a value holding
-- two addresses or a typo stays visible to lib.is_valid_email and the dq views.
create or replace function lib.clean_email(v text) returns text
language plpgsql immutable parallel safe as $$
declare
  s text := lower(btrim(v, E' \t\r\n\u00a0'));
  p int := strpos(s, '<');
begin
  if p > 0 and right(s, 1) = '>' and strpos(substr(s, p + 1), '<') = 0 then
    s := btrim(substr(s, p + 1, length(s) - p - 1));
  end if;
  if left(s, 7) = 'mailto:' then
    s := btrim(split_part(substr(s, 8), '?', 1));
  end if;
  return nullif(s, '');
end
$$;

-- Whether an address is deliverable as written: a dot-atom local part (RFC 5322: letters,
-- digits and ! # $ % & ' * + / = ? ^ _ ` { | } ~ -, dots only between them) of at most 64
-- characters, one @, a domain of letter-digit-hyphen labels (no hyphen at either end, each
-- at most 63 characters) ending in a top-level domain of 2+ letters or an xn-- label, 254
-- characters in all. Case does not matter. Quoted local parts and address literals
-- ("a b"@x.com, a@[1.2.3.4]) are valid in RFC 5322 but not accepted by the destinations.
create or replace function lib.is_valid_email(v text) returns boolean
language sql immutable parallel safe as $$
  select length(v) <= 254 and strpos(v, '@') between 2 and 65
     and v ~* '^[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+([a-z][a-z]+|xn--[a-z0-9-]*[a-z0-9])$'
     and (length(v) - strpos(v, '@') <= 63 or v !~ '[^.@]{64}')
$$;

-- Seed rule for compound names: split on the first space; a single word is the last name.
create or replace function lib.first_name_of(full_name text) returns text
language sql immutable parallel safe as $$
  select case when position(' ' in lib.squish(full_name)) > 0
              then split_part(lib.squish(full_name), ' ', 1) end
$$;

create or replace function lib.last_name_of(full_name text) returns text
language sql immutable parallel safe as $$
  select case when position(' ' in lib.squish(full_name)) > 0
              then substr(lib.squish(full_name), position(' ' in lib.squish(full_name)) + 1)
              else lib.squish(full_name) end
$$;
