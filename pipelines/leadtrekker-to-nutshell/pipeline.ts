/** Leadtrekker Lead Management -> Nutshell (seed 001). Mapping decisions: README.md beside this file. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldRequirement, PipelineDefinition } from '../../engine/pipeline.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { nutshellDestination } from '../../connectors/destinations/nutshell/index.ts';
import type { NutshellSandboxSeed } from '../../connectors/destinations/nutshell/sandbox/server.ts';
import sandboxSeed from './sandbox-seed.json' with { type: 'json' };

const dir = path.dirname(fileURLToPath(import.meta.url));
const S = 'leadtrekker_to_nutshell';
/** Activities, notes and tasks hang on the person of the lead's email, or on its Nutshell lead. */
const parent = ['contacts', 'leads'];

/**
 * Fields of the pipeline's own that people and prospect leads share (Nutshell has custom fields per
 * entity type); the export's custom columns come from custom-fields.csv (one row per entity).
 */
const shared = (module: 'Contacts' | 'Leads'): FieldRequirement[] => [
  {
    module,
    field: 'cf:Lead Status',
    label: 'Lead Status',
    type: 'picklist',
    valuesFrom: `select nutshell_status from ${S}.people where nutshell_status is not null union select nutshell_status from ${S}.map_lead_status`,
  },
  { module, field: 'cf:Leadtrekker Lead ID', label: 'Leadtrekker Lead ID', type: 'text' },
  { module, field: 'cf:Leadtrekker Created', label: 'Leadtrekker Created', type: 'datetime' },
];

export const leadtrekkerToNutshell: PipelineDefinition = {
  name: 'leadtrekker-to-nutshell',
  source: leadtrekker,
  destination: nutshellDestination({ sandboxSeed: sandboxSeed as NutshellSandboxSeed }),
  dir,
  // Seed load order: (users step,) companies, people and prospect leads, activities and notes,
  // tasks. The load step reports each object's counts (loaded/rejected/queued) as it finishes.
  objects: [
    { name: 'accounts', module: 'Accounts', sourceCount: `${S}.companies` },
    { name: 'contacts', module: 'Contacts', owner: 'owner_email', lookups: { accounts: 'accounts' }, sourceCount: `${S}.contacts` },
    { name: 'leads', module: 'Leads', owner: 'owner_email', sourceCount: `${S}.leads` },
    { name: 'activities', module: 'Activities', owner: 'owner_email', lookups: { participants: 'contacts', leads: 'leads' }, sourceCount: `${S}.activities` },
    { name: 'notes', module: 'Notes', lookups: { entity: parent }, sourceCount: `${S}.notes` },
    { name: 'tasks', module: 'Tasks', owner: 'owner_email', lookups: { entity: parent }, sourceCount: 'raw_leadtrekker.reminders' },
  ],
  // discover proposes custom columns of leads.csv as fields on people (custom-fields.csv).
  customFieldTargets: { leads: 'Contacts' },
  notMigrated: [
    {
      file: 'notification_triggers.csv',
      what: 'Notification triggers and autoresponders',
      why: 'Runtime behaviour, not data: SMS/email alerts are per-user Nutshell notification settings, autoresponders become a Nutshell email sequence; rebuilt by the admin from handoff_not_migrated.',
    },
    {
      file: 'user_groups.csv',
      what: 'User-group permissions',
      why: 'Nutshell shares records by team and role: the groups are a mapping table (handoff_user_group_teams) for the admin, not created automatically.',
    },
  ],
  schema: {
    fields: [
      ...shared('Contacts'),
      {
        module: 'Contacts',
        field: 'cf:Lead Source',
        label: 'Lead Source',
        type: 'picklist',
        valuesFrom: `select nutshell_source from ${S}.people where nutshell_source is not null union select nutshell_source from ${S}.map_lead_source`,
      },
      ...shared('Leads'),
      { module: 'Leads', field: 'cf:Prospect Email', label: 'Prospect Email', type: 'email' },
      { module: 'Leads', field: 'cf:Prospect Phone', label: 'Prospect Phone', type: 'phone' },
      { module: 'Leads', field: 'cf:Leadtrekker Details', label: 'Leadtrekker Details', type: 'textarea' },
    ],
  },
};
