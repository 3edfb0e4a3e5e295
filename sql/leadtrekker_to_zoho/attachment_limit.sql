-- The destination's per-file limit. The seed says 25 MB; the Zoho reference documents 20 MB
-- for file uploads (record attachments unconfirmed). The stricter one is used, so nothing the
-- API would refuse is sent.
select 20 * 1024 * 1024::bigint as max_bytes
