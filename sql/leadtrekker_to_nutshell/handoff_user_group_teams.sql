-- User groups -> Nutshell Teams (seed 001 "User Group -> Team"): the mapping table for the admin.
-- Nothing is created: team membership and record visibility are set in Nutshell Setup > Teams.
select
  g.user_group                                            as leadtrekker_group,
  g.user_group                                            as nutshell_team,
  count(distinct g.member_email)                          as member_count,
  string_agg(distinct g.member_email, '; ')               as members,
  bool_or(g.can_view)                                     as can_view,
  bool_or(g.can_edit)                                     as can_edit,
  'Create team "' || g.user_group || '" and add the members. Leadtrekker grants '
    || case when bool_or(g.can_edit) then 'view and edit' when bool_or(g.can_view) then 'view only' else 'no' end
    || ' access to the group''s leads; Nutshell shares by team and user role: set the members'' '
    || case when bool_or(g.can_edit) then 'permissions to edit' else 'permissions to view only' end
    || ' and check users who are in several groups.'     as action
from stg_leadtrekker.user_groups g
group by g.user_group
