-- Group memberships with their view/edit rights (booleans as EXPORTS.md writes them).
select
  lib.squish("group")                                                  as user_group,
  lib.clean_email(member_email)                                        as member_email,
  lower(btrim(can_view)) in ('yes', 'y', 'true', '1')                  as can_view,
  lower(btrim(can_edit)) in ('yes', 'y', 'true', '1')                  as can_edit,
  _file, _line
from raw_leadtrekker.user_groups
where lib.squish("group") is not null
