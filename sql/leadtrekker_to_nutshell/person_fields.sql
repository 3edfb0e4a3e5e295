-- The fields people and prospects share, typed for Nutshell: phones and the record's history
-- text. Custom fields come from person_custom (typed by the custom-field mapping).
select
  p.person_key,
  nullif(jsonb_strip_nulls(jsonb_build_object(
    'work', coalesce(p.phone_e164, p.phone),
    'cell', coalesce(p.mobile_e164, p.mobile))), '{}'::jsonb)                       as phone,
  concat_ws(E'\n',
    'Leadtrekker ' || case when p.lead_count > 1 then 'leads ' else 'lead ' end || array_to_string(p.lead_ids, ', ')
      || case when p.lead_count > 1 then ' (same email, merged: per field the most recently modified lead wins)' else '' end,
    'Created in Leadtrekker: ' || to_char(p.created_at at time zone cv.timezone, 'YYYY-MM-DD HH24:MI'),
    'Title: ' || p.salutation,
    'Leadtrekker email (not a valid address, not loaded as email): ' || p.invalid_email,
    'Leadtrekker user group: ' || p.user_group)                                      as description
from leadtrekker_to_nutshell.people p
cross join stg_leadtrekker.conventions cv
