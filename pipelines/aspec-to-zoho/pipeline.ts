/** ASPEC -> Zoho CRM (seed 004). Mapping decisions: README.md beside this file. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldRequirement, PipelineDefinition } from '../../engine/pipeline.ts';
import { aspec } from '../../connectors/sources/aspec/index.ts';
import { zohoDestination } from '../../connectors/destinations/zoho/index.ts';
import sandboxSeed from './sandbox-seed.json' with { type: 'json' };

const dir = path.dirname(fileURLToPath(import.meta.url));
const S = 'aspec_to_zoho';

const f = (module: string, field: string, label: string, type: FieldRequirement['type'], extra: Partial<FieldRequirement> = {}): FieldRequirement => ({
  module,
  field,
  label,
  type,
  ...extra,
});

/** Activities link a Deal or an Account (What_Id) and a Contact (Who_Id); notes have one parent. */
const activityLookups = { What_Id: ['deals', 'accounts'], Who_Id: 'contacts' };

export const aspecToZoho: PipelineDefinition = {
  name: 'aspec-to-zoho',
  source: aspec,
  destination: zohoDestination({ sandboxSeed: sandboxSeed as { users: { email: string; full_name: string }[] } }),
  dir,
  // Seed load order: users (the users step), accounts, contacts, deals, activities (tasks,
  // events, notes). Tags travel inline on accounts, contacts and deals, so they land with them.
  objects: [
    { name: 'accounts', module: 'Accounts', owner: 'Owner', sourceCount: 'raw_aspec.companies' },
    { name: 'contacts', module: 'Contacts', owner: 'Owner', lookups: { Account_Name: 'accounts' }, sourceCount: 'raw_aspec.contacts' },
    { name: 'deals', module: 'Deals', owner: 'Owner', lookups: { Account_Name: 'accounts', Contact_Name: 'contacts' }, sourceCount: 'raw_aspec.opportunities' },
    { name: 'tasks', module: 'Tasks', owner: 'Owner', lookups: activityLookups },
    { name: 'events', module: 'Events', owner: 'Owner', lookups: activityLookups },
    { name: 'notes', module: 'Notes', owner: 'Owner', lookups: { Parent_Id: ['deals', 'contacts', 'accounts'] } },
  ],
  // The custom fields (custom-fields.csv) are created by setup from the mapping in use, with
  // their picklist options: the values the records hold (custom_values) and the options ASPEC's
  // definitions list (custom_field_options).
  schema: {
    fields: [
      f('Accounts', 'ASPEC_Company_ID', 'ASPEC Company ID', 'text', { length: 30 }),
      f('Contacts', 'ASPEC_Contact_ID', 'ASPEC Contact ID', 'text', { length: 30 }),
      f('Deals', 'ASPEC_Opportunity_ID', 'ASPEC Opportunity ID', 'text', { length: 30 }),
      f('Deals', 'ASPEC_Stage', 'ASPEC Stage', 'text', { length: 120 }),
      f('Deals', 'Amount_Currency', 'Amount Currency', 'text', { length: 3 }),
      f('Tasks', 'ASPEC_Activity_Type', 'ASPEC Activity Type', 'picklist', { valuesFrom: `select distinct "ASPEC_Activity_Type" from ${S}.tasks` }),
      f('Tasks', 'ASPEC_Activity_Time', 'ASPEC Activity Time', 'datetime'),
      f('Tasks', 'ASPEC_Activity_ID', 'ASPEC Activity ID', 'text', { length: 30 }),
      f('Events', 'ASPEC_Activity_ID', 'ASPEC Activity ID', 'text', { length: 30 }),
    ],
    picklists: [
      // Every stage the deals use exists before deals load (seed 004, "configure Zoho pipeline
      // stages ... before any Deals records are written"); order and probability: handoff_deal_stages.
      { module: 'Deals', field: 'Stage', valuesFrom: `select "Zoho Stage" from ${S}.handoff_deal_stages` },
      { module: 'Tasks', field: 'Status', valuesFrom: `select distinct "Status" from ${S}.tasks where "Status" is not null` },
    ],
  },
  customFieldTargets: { companies: 'Accounts', contacts: 'Contacts', opportunities: 'Deals' },
  notMigrated: [
    { file: 'reports.csv', what: 'Report definitions (filters, groupings, chart)', why: 'ASPEC has no report export and Zoho reports are built in its UI; inventory in handoff_reports' },
    { file: 'attachments.csv', what: 'File attachments (list only)', why: 'ASPEC exports no file bodies; files are fetched from the ASPEC UI by hand; list in handoff_attachments' },
  ],
};
