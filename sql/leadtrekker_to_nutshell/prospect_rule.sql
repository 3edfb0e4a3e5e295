-- The prospect rule (maps/prospect_rule.csv) as one row; a setting left out of the file keeps its default.
select
  coalesce((select lib.parse_bool(value) from leadtrekker_to_nutshell.map_prospect_rule where lower(btrim(setting)) = 'enabled' limit 1), true) as enabled,
  coalesce((select lib.parse_bool(value) from leadtrekker_to_nutshell.map_prospect_rule where lower(btrim(setting)) = 'require_no_company' limit 1), true) as require_no_company
