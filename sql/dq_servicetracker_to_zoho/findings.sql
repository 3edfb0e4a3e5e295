-- Every finding about the Zoho-shaped data, one row each.
select * from dq_servicetracker_to_zoho.unmapped_stages
union all select * from dq_servicetracker_to_zoho.technicians_without_users
union all select * from dq_servicetracker_to_zoho.attachments_over_limit
union all select * from dq_servicetracker_to_zoho.invalid_custom_values
