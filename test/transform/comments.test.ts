/** Where a model's and its columns' comments come from, and how API field names become snake_case. */
import { describe, expect, it } from 'vitest';
import { modelDocs, snakeCase } from '../../engine/transform/comments.ts';

describe('model documentation', () => {
  it('takes the header comment as the model\'s, without its options, and a columns block as the columns\'', () => {
    const d = modelDocs(`-- materialized: table
-- unique_key: lead_id
-- Leadtrekker leads, typed once.
-- One row per Lead ID.
-- columns:
--   lead_id: the export's Lead ID, trimmed
--   "Last_Name": the surname, or the company when there is none;
--      never empty
-- depends_on: stg_leadtrekker.users
select btrim(l.lead_id) as lead_id, l.x as "Last_Name" from raw_leadtrekker.leads l`);
    expect(d.description).toBe('Leadtrekker leads, typed once. One row per Lead ID.');
    expect(Object.fromEntries(d.columns)).toEqual({ lead_id: "the export's Lead ID, trimmed", Last_Name: 'the surname, or the company when there is none; never empty' });
  });

  it('takes a comment beside a column in the SELECT (above it, or after it on its line), the block first', () => {
    const d = modelDocs(`-- Zoho leads.
-- columns:
--   Email: from the columns block
select
  'leads:' || l.lead_id as source_key,
  -- E.164 when the number parses,
  -- else as written
  coalesce(l.phone_e164, l.phone) as "Phone",
  l.mobile as "Mobile", -- the mobile as written
  -- not this one: the block wins
  l.email as "Email",
  l.company as "Company"
from stg.leads l`);
    expect(d.description).toBe('Zoho leads.');
    expect(d.columns.get('Phone')).toBe('E.164 when the number parses, else as written');
    expect(d.columns.get('Mobile')).toBe('the mobile as written');
    expect(d.columns.get('Email')).toBe('from the columns block');
    expect(d.columns.has('Company')).toBe(false);
    expect(d.columns.has('source_key')).toBe(false);
  });

  it('writes API field names in snake_case', () => {
    expect(['First_Name', 'LTK_Created_Time', 'Lead_Status', 'accountType', 'dueTime', 'source_key', '_custom', 'Call_Duration_in_seconds', 'HTTPStatus'].map(snakeCase)).toEqual([
      'first_name', 'ltk_created_time', 'lead_status', 'account_type', 'due_time', 'source_key', '_custom', 'call_duration_in_seconds', 'http_status',
    ]);
  });
});
