/** Leadtrekker Lead Management -> Zoho CRM (seed 000). Mapping decisions: README.md beside this file. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { zohoDestination } from '../../connectors/destinations/zoho/index.ts';
import sandboxSeed from './sandbox-seed.json' with { type: 'json' };
import { convert, convertInfo } from './convert.ts';

const dir = path.dirname(fileURLToPath(import.meta.url));
const activity = { What_Id: 'leads' };

export const leadtrekkerToZoho: PipelineDefinition = {
  name: 'leadtrekker-to-zoho',
  source: leadtrekker,
  destination: zohoDestination({ sandboxSeed: sandboxSeed as { users: { email: string; full_name: string }[] } }),
  dir,
  // Seed load order: (users step,) leads, then calls / email tasks / notes, reminders as tasks, attachments.
  objects: [
    { name: 'leads', module: 'Leads', owner: 'Owner', sourceCount: 'stg_leadtrekker.leads' },
    { name: 'calls', module: 'Calls', owner: 'Owner', lookups: activity, sourceCount: 'leadtrekker_to_zoho.calls' },
    { name: 'email_tasks', module: 'Tasks', owner: 'Owner', lookups: activity, sourceCount: 'leadtrekker_to_zoho.email_tasks' },
    { name: 'notes', module: 'Notes', lookups: { Parent_Id: 'leads' }, sourceCount: 'leadtrekker_to_zoho.notes' },
    { name: 'reminder_tasks', module: 'Tasks', owner: 'Owner', lookups: activity, sourceCount: 'raw_leadtrekker.reminders' },
    {
      name: 'attachments',
      module: 'Attachments',
      lookups: { Parent_Id: 'leads' },
      sourceCount: 'raw_leadtrekker.attachments',
      attachment: { pathColumn: 'file_path', fileNameColumn: 'File_Name', contentTypeColumn: 'Content_Type', parent: 'Parent_Id' },
    },
  ],
  schema: {
    fields: [
      { module: 'Leads', field: 'LTK_Original_Status', label: 'LTK Original Status', type: 'text', length: 100 },
      { module: 'Leads', field: 'LTK_Status_Probability', label: 'LTK Status Probability', type: 'percent' },
      { module: 'Leads', field: 'LTK_Created_Time', label: 'LTK Created Time', type: 'datetime' },
      { module: 'Leads', field: 'LTK_Lead_ID', label: 'LTK Lead ID', type: 'text', length: 30 },
      { module: 'Tasks', field: 'LTK_Task_Type', label: 'LTK Task Type', type: 'picklist', valuesFrom: `select 'Email' union select 'Reminder'` },
      {
        module: 'Tasks',
        field: 'LTK_Direction',
        label: 'LTK Email Direction',
        type: 'picklist',
        valuesFrom: `select distinct "LTK_Direction" from leadtrekker_to_zoho.email_tasks where "LTK_Direction" is not null`,
      },
      { module: 'Tasks', field: 'LTK_Email_Event', label: 'LTK Email Event', type: 'text', length: 30 },
      { module: 'Tasks', field: 'LTK_Activity_Time', label: 'LTK Activity Time', type: 'datetime' },
    ],
    picklists: [
      { module: 'Leads', field: 'Lead_Status', valuesFrom: `select distinct "Lead_Status" from leadtrekker_to_zoho.leads where "Lead_Status" is not null` },
      { module: 'Leads', field: 'Lead_Source', valuesFrom: `select distinct "Lead_Source" from leadtrekker_to_zoho.leads where "Lead_Source" is not null` },
      { module: 'Leads', field: 'Salutation', valuesFrom: `select distinct "Salutation" from leadtrekker_to_zoho.leads where "Salutation" is not null` },
      { module: 'Tasks', field: 'Status', valuesFrom: `select distinct "Status" from leadtrekker_to_zoho.reminder_tasks union select 'Completed'` },
      { module: 'Calls', field: 'Call_Result', valuesFrom: `select distinct "Call_Result" from leadtrekker_to_zoho.calls where "Call_Result" is not null` },
    ],
  },
  steps: { convert },
  stepInfo: { convert: convertInfo },
};
