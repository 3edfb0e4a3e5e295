-- Shared cleaning functions, used by every source's staging models.
-- Each function is immutable and null-safe so analysts can call them directly.

-- Trim and collapse inner whitespace; '' becomes null.
create or replace function lib.squish(v text) returns text
language sql immutable parallel safe as $$
  select nullif(regexp_replace(btrim(v), '\s+', ' ', 'g'), '')
$$;

-- Lower-cased, trimmed email; null when empty.
create or replace function lib.clean_email(v text) returns text
language sql immutable parallel safe as $$
  select nullif(lower(btrim(v)), '')
$$;

-- Whether a cleaned email looks deliverable (one @, a dot in the domain, no spaces).
create or replace function lib.is_valid_email(v text) returns boolean
language sql immutable parallel safe as $$
  select v ~ '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$'
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
