-- Archived ASPEC users who own records: their records wait in the reconciliation queue until a
-- person decides (handoff_archived_users): provision as an inactive Zoho user and reassign,
-- or reassign with --fallback-owner.
select 'archived_owner'::text as category, 'warning'::text as severity, 'users'::text as object,
       u.user_id as source_key, 'Owner ID'::text as field, u.email as value,
       format('%s is archived in ASPEC and owns %s record(s); decide: provision as an inactive Zoho user or reassign (load --fallback-owner)', u.name,
              h."Accounts" + h."Contacts" + h."Deals" + h."Activities") as message
from stg_aspec.users u
join aspec_to_zoho.handoff_archived_users h on h."User ID" = u.user_id
where u.email_valid and h."Accounts" + h."Contacts" + h."Deals" + h."Activities" > 0
