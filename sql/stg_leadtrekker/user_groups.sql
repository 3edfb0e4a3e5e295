-- Group memberships with their view/edit rights (booleans as the export writes them).
select
  lib.squish("group")                                  as user_group,
  lib.clean_email(member_email)                        as member_email,
  coalesce(lib.parse_bool(can_view), false)            as can_view,
  coalesce(lib.parse_bool(can_edit), false)            as can_edit,
  btrim(can_view)                                      as can_view_raw,
  btrim(can_edit)                                      as can_edit_raw,
  _file, _line
from raw_leadtrekker.user_groups
where lib.squish("group") is not null
