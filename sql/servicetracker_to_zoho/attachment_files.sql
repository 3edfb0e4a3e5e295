-- materialized: table
-- unique_key: attachment_id
-- indexes: work_order_id
-- Attachment manifest checked against Zoho's per-file limit: 20 MB (reference 5.9, the
-- documented ZFS limit; the seed's 25 MB is more than Zoho documents).
select
  a.*,
  20 * 1024 * 1024                                    as limit_bytes,
  coalesce(a.size_bytes > 20 * 1024 * 1024, false)    as over_limit
from stg_servicetracker.attachments a
