-- User groups -> proposed Zoho Role + Profile + data-sharing note, for the admin to rebuild
-- (seed 000 "User Group -> Role + Profile + Data Sharing Rule": nothing is created automatically).
select
  g.user_group                                            as leadtrekker_group,
  g.user_group                                            as proposed_role,
  case when bool_or(g.can_edit) then 'Standard' else 'Read Only (clone of Standard without edit/delete)' end as proposed_profile,
  bool_or(g.can_view)                                     as can_view,
  bool_or(g.can_edit)                                     as can_edit,
  count(distinct g.member_email)                          as member_count,
  string_agg(distinct g.member_email, '; ')               as members,
  'Set Leads to Private in Data Sharing; add a sharing rule "Leads owned by role ' || g.user_group || '" -> role '
    || g.user_group || ' with ' || case when bool_or(g.can_edit) then 'Read/Write' else 'Read Only' end
    || ' access. Leadtrekker grants by group, Zoho by role hierarchy: check users in several groups.' as data_sharing_note
from stg_leadtrekker.user_groups g
group by g.user_group
