/** LeadTrac -> Nutshell (seed 003). Mapping decisions: README.md beside this file. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { leadtrac } from '../../connectors/sources/leadtrac/index.ts';
import { nutshellDestination } from '../../connectors/destinations/nutshell/index.ts';
import type { NutshellSandboxSeed } from '../../connectors/destinations/nutshell/sandbox/server.ts';
import sandboxSeed from './sandbox-seed.json' with { type: 'json' };

const dir = path.dirname(fileURLToPath(import.meta.url));
const S = 'leadtrac_to_nutshell';
/** Companies load in three objects so parents exist before their children (company_rows.sql). */
const ACCOUNTS = ['parent_accounts', 'mid_accounts', 'accounts'];

export const leadtracToNutshell: PipelineDefinition = {
  name: 'leadtrac-to-nutshell',
  source: leadtrac,
  destination: nutshellDestination({ sandboxSeed: sandboxSeed as NutshellSandboxSeed }),
  dir,
  // Seed load order: (users step,) companies parents first, people, leads with their people,
  // activities and notes. The load step reports each object's counts as it finishes.
  objects: [
    { name: 'parent_accounts', module: 'Accounts', owner: 'owner_email', sourceCount: `${S}.parent_accounts` },
    { name: 'mid_accounts', module: 'Accounts', owner: 'owner_email', sourceCount: `${S}.mid_accounts` },
    { name: 'accounts', module: 'Accounts', owner: 'owner_email', sourceCount: `${S}.accounts` },
    { name: 'contacts', module: 'Contacts', owner: 'owner_email', lookups: { accounts: ACCOUNTS }, sourceCount: 'stg_leadtrac.people' },
    { name: 'leads', module: 'Leads', owner: 'owner_email', lookups: { contacts: 'contacts', primaryAccount: ACCOUNTS }, sourceCount: 'stg_leadtrac.leads' },
    {
      name: 'activities',
      module: 'Activities',
      owner: 'owner_email',
      lookups: { leads: 'leads', participants_person: 'contacts', participants_company: ACCOUNTS },
      sourceCount: `${S}.activities`,
    },
    { name: 'notes', module: 'Notes', lookups: { entity: ['leads', 'contacts', ...ACCOUNTS] }, sourceCount: `${S}.notes` },
  ],
  // The export's custom columns are created by setup from the mapping in use (custom-fields.csv),
  // a picklist with the values the records hold and the options LeadTrac's own custom_fields.csv
  // lists (custom_field_options).
  customFieldTargets: { leads: 'Leads', people: 'Contacts', companies: 'Accounts' },
  notMigrated: [
    {
      file: 'workflows.csv',
      what: 'Workflows and automations',
      why: 'Runtime behaviour, not data: rebuilt natively in Nutshell (lead distribution, stage automation, sequences) from handoff_workflows.',
    },
  ],
  schema: {
    fields: [
      { module: 'Accounts', field: 'cf:LeadTrac Company ID', label: 'LeadTrac Company ID', type: 'text' },
      { module: 'Accounts', field: 'cf:Industry', label: 'Industry', type: 'picklist', valuesFrom: `select "cf:Industry" from ${S}.company_rows where "cf:Industry" is not null` },
      { module: 'Accounts', field: 'cf:Employees', label: 'Employees', type: 'integer' },
      { module: 'Accounts', field: 'cf:Parent Company', label: 'Parent Company', type: 'text' },
      { module: 'Contacts', field: 'cf:LeadTrac Person ID', label: 'LeadTrac Person ID', type: 'text' },
      { module: 'Contacts', field: 'cf:Title', label: 'Title', type: 'text' },
      { module: 'Contacts', field: 'cf:Other Companies', label: 'Other Companies', type: 'textarea' },
      { module: 'Contacts', field: 'cf:LeadTrac Documents', label: 'LeadTrac Documents', type: 'textarea' },
      { module: 'Leads', field: 'cf:LeadTrac Lead ID', label: 'LeadTrac Lead ID', type: 'text' },
      {
        module: 'Leads',
        field: 'cf:LeadTrac Status',
        label: 'LeadTrac Status',
        type: 'picklist',
        valuesFrom: `select leadtrac_status from ${S}.map_lead_status union select "cf:LeadTrac Status" from ${S}.leads where "cf:LeadTrac Status" is not null`,
      },
      { module: 'Leads', field: 'cf:LeadTrac Created', label: 'LeadTrac Created', type: 'datetime' },
      { module: 'Leads', field: 'cf:Other People', label: 'Other People', type: 'textarea' },
      { module: 'Leads', field: 'cf:LeadTrac Documents', label: 'LeadTrac Documents', type: 'textarea' },
      // custom values that did not read as their field's type (a lead's description is its name)
      { module: 'Leads', field: 'cf:LeadTrac Details', label: 'LeadTrac Details', type: 'textarea' },
    ],
  },
};
