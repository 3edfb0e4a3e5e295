/** LeadTrac exports (docs/sources.md, LeadTrac). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceConnector } from '../../../engine/source.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export const leadtrac: SourceConnector = {
  name: 'leadtrac',
  title: 'LeadTrac',
  conventions: { dateOrder: 'mdy', timezone: 'America/New_York', phoneCountry: 'US', decimalSeparator: '.', currency: 'USD' },
  sampleDir: path.join(here, 'sample'),
  filesDir: 'files',
  // discover proposes every definition, with a column in the export or not
  customFieldDefinitions: {
    file: 'custom_fields',
    field: 'field',
    type: 'type',
    object: 'object',
    options: 'options',
    optionSeparator: '|',
    objects: { lead: 'leads', leads: 'leads', person: 'people', people: 'people', company: 'companies', companies: 'companies' },
  },
  files: [
    {
      name: 'leads',
      file: 'leads.csv',
      required: true,
      idColumn: 'lead_id',
      columns: [
        { name: 'lead_id', header: 'Lead ID', required: true },
        { name: 'lead_name', header: 'Lead Name' },
        { name: 'status', header: 'Status' },
        { name: 'source', header: 'Source' },
        { name: 'owner_email', header: 'Owner Email', references: { file: 'users', column: ['email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' } },
        { name: 'created_date', header: 'Created Date' },
        { name: 'modified_date', header: 'Modified Date' },
      ],
    },
    {
      name: 'people',
      file: 'people.csv',
      idColumn: 'person_id',
      columns: [
        { name: 'person_id', header: 'Person ID', required: true },
        { name: 'first_name', header: 'First Name' },
        { name: 'last_name', header: 'Last Name' },
        { name: 'email', header: 'Email' },
        { name: 'phone', header: 'Phone' },
        { name: 'title', header: 'Title' },
        { name: 'street', header: 'Street' },
        { name: 'city', header: 'City' },
        { name: 'state', header: 'State' },
        { name: 'zip', header: 'Zip' },
        { name: 'modified_date', header: 'Modified Date' },
      ],
    },
    {
      name: 'companies',
      file: 'companies.csv',
      idColumn: 'company_id',
      columns: [
        { name: 'company_id', header: 'Company ID', required: true },
        { name: 'name', header: 'Name', required: true },
        { name: 'domain', header: 'Domain' },
        { name: 'street', header: 'Street' },
        { name: 'city', header: 'City' },
        { name: 'state', header: 'State' },
        { name: 'zip', header: 'Zip' },
        { name: 'industry', header: 'Industry' },
        { name: 'employees', header: 'Employees' },
        { name: 'parent_company_id', header: 'Parent Company ID', references: { file: 'companies', column: 'company_id', consequence: 'the company loads without its parent, kept as text in Parent Company' } },
      ],
    },
    {
      name: 'lead_people',
      file: 'lead_people.csv',
      columns: [
        { name: 'lead_id', header: 'Lead ID', required: true, references: { file: 'leads', column: 'lead_id', severity: 'error', consequence: 'the link is ignored' } },
        { name: 'person_id', header: 'Person ID', required: true, references: { file: 'people', column: 'person_id', severity: 'error', consequence: 'the link is ignored' } },
        { name: 'is_primary', header: 'Is Primary' },
        { name: 'modified_date', header: 'Modified Date' },
      ],
    },
    {
      name: 'person_companies',
      file: 'person_companies.csv',
      columns: [
        { name: 'person_id', header: 'Person ID', required: true, references: { file: 'people', column: 'person_id', severity: 'error', consequence: 'the link is ignored' } },
        { name: 'company_id', header: 'Company ID', required: true, references: { file: 'companies', column: 'company_id', severity: 'error', consequence: 'the link is ignored' } },
        { name: 'is_primary', header: 'Is Primary' },
      ],
    },
    {
      name: 'activities',
      file: 'activities.csv',
      idColumn: 'activity_id',
      columns: [
        { name: 'activity_id', header: 'Activity ID', required: true },
        { name: 'type', header: 'Type', required: true },
        { name: 'lead_id', header: 'Lead ID', references: { file: 'leads', column: 'lead_id', consequence: 'the activity loads without that lead' } },
        { name: 'person_id', header: 'Person ID', references: { file: 'people', column: 'person_id', consequence: 'the activity loads without that person' } },
        { name: 'company_id', header: 'Company ID', references: { file: 'companies', column: 'company_id', consequence: 'the activity loads without that company' } },
        { name: 'date', header: 'Date' },
        { name: 'end_date', header: 'End Date' },
        { name: 'duration', header: 'Duration' },
        { name: 'outcome', header: 'Outcome' },
        { name: 'subject', header: 'Subject' },
        { name: 'body', header: 'Body' },
        { name: 'location', header: 'Location' },
        { name: 'owner_email', header: 'Owner Email', references: { file: 'users', column: ['email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' } },
      ],
    },
    {
      name: 'documents',
      file: 'documents.csv',
      idColumn: 'document_id',
      columns: [
        { name: 'document_id', header: 'Document ID', required: true },
        { name: 'lead_id', header: 'Lead ID', references: { file: 'leads', column: 'lead_id', consequence: 'the document is not attached to that lead (a document of no record in the export is listed in handoff_documents only)' } },
        { name: 'person_id', header: 'Person ID', references: { file: 'people', column: 'person_id', consequence: 'the document is not attached to that person (a document of no record in the export is listed in handoff_documents only)' } },
        { name: 'file_name', header: 'File Name' },
        { name: 'url', header: 'URL' },
        { name: 'docusign_envelope_id', header: 'DocuSign Envelope ID' },
      ],
    },
    {
      name: 'users',
      file: 'users.csv',
      idColumn: 'email',
      columns: [
        { name: 'email', header: 'Email', required: true },
        { name: 'name', header: 'Name' },
        { name: 'active', header: 'Active' },
      ],
    },
    {
      name: 'custom_fields',
      file: 'custom_fields.csv',
      columns: [
        { name: 'object', header: 'Object', required: true },
        { name: 'field', header: 'Field', required: true },
        { name: 'type', header: 'Type', required: true },
        { name: 'options', header: 'Options' },
      ],
    },
    {
      name: 'workflows',
      file: 'workflows.csv',
      columns: [
        { name: 'name', header: 'Name', required: true },
        { name: 'trigger', header: 'Trigger' },
        { name: 'actions', header: 'Actions' },
      ],
    },
  ],
};
