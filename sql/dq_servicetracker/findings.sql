-- Every ServiceTracker data-quality finding, one row each.
select * from dq_servicetracker.duplicate_clients
union all select * from dq_servicetracker.duplicate_emails
union all select * from dq_servicetracker.duplicate_ids
union all select * from dq_servicetracker.invalid_emails
union all select * from dq_servicetracker.orphan_references
union all select * from dq_servicetracker.unparsed_values
