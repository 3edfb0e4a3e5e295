-- unique_key: alias
-- How addresses write a country (code, ISO alpha-3, English or French name; compared folded
-- to lower case without accents) -> its ISO 3166 code and the name written to the destination.
-- The countries the phone parser knows, plus Canada's neighbours and trading partners that
-- ASPEC accounts name. A country written otherwise is kept as written.
select lower(a.alias) as alias, c.code, c.name
from (values
  ('CA', 'Canada',         array['ca', 'can', 'canada']),
  ('US', 'United States',  array['us', 'usa', 'u.s.', 'u.s.a.', 'united states', 'united states of america', 'etats-unis', 'e.-u.']),
  ('MX', 'Mexico',         array['mx', 'mex', 'mexico', 'mexique']),
  ('GB', 'United Kingdom', array['gb', 'gbr', 'uk', 'u.k.', 'united kingdom', 'great britain', 'england', 'royaume-uni']),
  ('IE', 'Ireland',        array['ie', 'irl', 'ireland', 'irlande']),
  ('FR', 'France',         array['fr', 'fra', 'france']),
  ('DE', 'Germany',        array['de', 'deu', 'germany', 'allemagne']),
  ('NL', 'Netherlands',    array['nl', 'nld', 'netherlands', 'holland', 'pays-bas']),
  ('AU', 'Australia',      array['au', 'aus', 'australia', 'australie']),
  ('NZ', 'New Zealand',    array['nz', 'nzl', 'new zealand', 'nouvelle-zelande']),
  ('ZA', 'South Africa',   array['za', 'zaf', 'rsa', 'south africa', 'afrique du sud']),
  ('NA', 'Namibia',        array['na', 'nam', 'namibia', 'namibie']),
  ('BW', 'Botswana',       array['bw', 'bwa', 'botswana']),
  ('ZW', 'Zimbabwe',       array['zw', 'zwe', 'zimbabwe']),
  ('KE', 'Kenya',          array['ke', 'ken', 'kenya']),
  ('NG', 'Nigeria',        array['ng', 'nga', 'nigeria']),
  ('IN', 'India',          array['in', 'ind', 'india', 'inde'])
) as c(code, name, aliases)
cross join lateral unnest(c.aliases) as a(alias)
