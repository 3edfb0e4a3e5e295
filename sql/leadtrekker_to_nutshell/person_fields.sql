-- The fields people and prospects share, typed for Nutshell: phones, the custom fields of the
-- sample export written as Nutshell custom-field values, and the record's history text.
-- Known custom columns: Budget (ZAR) -> Currency {currency ZAR, amount}; Newsletter Opt-in ->
-- Decision Yes/No; Industry -> Decision; Preferred Contact Date -> Date. Any other custom column
-- stays in `custom_other` for custom-fields.csv.
select
  p.person_key,
  nullif(jsonb_strip_nulls(jsonb_build_object(
    'work', coalesce(lib.phone_e164(p.phone, 'ZA'), p.phone),
    'cell', coalesce(lib.phone_e164(p.mobile, 'ZA'), p.mobile))), '{}'::jsonb)     as phone,
  case when lib.parse_money(p.custom->>'budget_zar') is not null
       then jsonb_build_object('currency', coalesce(lib.money_currency(p.custom->>'budget_zar'), 'ZAR'),
                               'amount', lib.parse_money(p.custom->>'budget_zar')::text) end as budget,
  case lib.parse_bool(p.custom->>'newsletter_opt_in') when true then 'Yes' when false then 'No' end as newsletter_opt_in,
  lib.squish(p.custom->>'industry')                                                  as industry,
  to_char(lib.parse_date(p.custom->>'preferred_contact_date', true), 'YYYY-MM-DD')   as preferred_contact_date,
  p.custom - array['budget_zar', 'newsletter_opt_in', 'industry', 'preferred_contact_date'] as custom_other,
  concat_ws(E'\n',
    'Leadtrekker ' || case when p.lead_count > 1 then 'leads ' else 'lead ' end || array_to_string(p.lead_ids, ', ')
      || case when p.lead_count > 1 then ' (same email, merged: per field the most recently modified lead wins)' else '' end,
    'Created in Leadtrekker: ' || to_char(p.created_at at time zone 'Africa/Johannesburg', 'YYYY-MM-DD HH24:MI'),
    'Title: ' || p.salutation,
    'Leadtrekker email (not a valid address, not loaded as email): ' || p.invalid_email,
    'Leadtrekker user group: ' || p.user_group)                                      as description
from leadtrekker_to_nutshell.people p
