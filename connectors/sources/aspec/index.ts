/** ASPEC exports (docs/sources.md, ASPEC). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceConnector } from '../../../engine/source.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export const aspec: SourceConnector = {
  name: 'aspec',
  title: 'ASPEC',
  conventions: { dateOrder: 'dmy', timezone: 'America/Toronto', phoneCountry: 'CA', decimalSeparator: '.', currency: 'CAD' },
  sampleDir: path.join(here, 'sample'),
  filesDir: 'files',
  // discover proposes every definition (a per-user field, one with no column in the export)
  customFieldDefinitions: {
    file: 'custom_field_definitions',
    field: 'field',
    type: 'type',
    object: 'attached_to',
    options: 'options',
    optionSeparator: '|',
    objects: { contact: 'contacts', company: 'companies', opportunity: 'opportunities' },
    // the export's last row wins (stg_aspec.custom_field_definitions)
    wins: 'last',
  },
  files: [
    {
      name: 'contacts',
      file: 'contacts.csv',
      required: true,
      idColumn: 'contact_id',
      columns: [
        { name: 'contact_id', header: 'Contact ID', required: true },
        { name: 'first_name', header: 'First Name' },
        { name: 'last_name', header: 'Last Name' },
        { name: 'email', header: 'Email' },
        { name: 'phone', header: 'Phone' },
        { name: 'street', header: 'Street' },
        { name: 'city', header: 'City' },
        { name: 'province', header: 'Province' },
        { name: 'postal_code', header: 'Postal Code' },
        { name: 'country', header: 'Country' },
        { name: 'company_id', header: 'Company ID', references: { file: 'companies', column: 'company_id', consequence: 'the contact loads without an account' } },
        { name: 'owner_id', header: 'Owner ID', references: { file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' } },
        { name: 'tags', header: 'Tags' },
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
        { name: 'province', header: 'Province' },
        { name: 'postal_code', header: 'Postal Code' },
        { name: 'country', header: 'Country' },
        { name: 'owner_id', header: 'Owner ID', references: { file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' } },
        { name: 'tags', header: 'Tags' },
      ],
    },
    {
      name: 'opportunities',
      file: 'opportunities.csv',
      idColumn: 'opportunity_id',
      columns: [
        { name: 'opportunity_id', header: 'Opportunity ID', required: true },
        { name: 'name', header: 'Name', required: true },
        { name: 'company_id', header: 'Company ID', references: { file: 'companies', column: 'company_id', consequence: 'the deal loads without an account' } },
        { name: 'contact_id', header: 'Contact ID', references: { file: 'contacts', column: 'contact_id', consequence: 'the deal loads without a contact' } },
        { name: 'value', header: 'Value' },
        { name: 'stage', header: 'Stage', references: { file: 'pipeline_stages', column: 'stage', match: 'text', consequence: 'the stage is mapped without its order and probability from pipeline_stages.csv' } },
        { name: 'expected_close', header: 'Expected Close' },
        { name: 'owner_id', header: 'Owner ID', references: { file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' } },
        { name: 'probability', header: 'Probability' },
        // Not in the vendor's documented layout (docs/sources.md, ASPEC), but the seed tags deals too and real exports carry it.
        { name: 'tags', header: 'Tags' },
      ],
    },
    {
      name: 'pipeline_stages',
      file: 'pipeline_stages.csv',
      idColumn: 'stage',
      columns: [
        { name: 'stage', header: 'Stage', required: true },
        { name: 'order', header: 'Order' },
        { name: 'probability', header: 'Probability' },
      ],
    },
    {
      name: 'activities',
      file: 'activities.csv',
      idColumn: 'activity_id',
      columns: [
        { name: 'activity_id', header: 'Activity ID', required: true },
        { name: 'type', header: 'Type', required: true },
        { name: 'contact_id', header: 'Contact ID', references: { file: 'contacts', column: 'contact_id', consequence: 'the activity loads without that contact' } },
        { name: 'company_id', header: 'Company ID', references: { file: 'companies', column: 'company_id', consequence: 'the activity loads without that company' } },
        { name: 'opportunity_id', header: 'Opportunity ID', references: { file: 'opportunities', column: 'opportunity_id', consequence: 'the activity loads without that opportunity' } },
        { name: 'date', header: 'Date' },
        { name: 'end', header: 'End' },
        { name: 'subject', header: 'Subject' },
        { name: 'details', header: 'Details' },
        { name: 'owner_id', header: 'Owner ID', references: { file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' } },
        { name: 'status', header: 'Status' },
      ],
    },
    {
      name: 'users',
      file: 'users.csv',
      idColumn: 'user_id',
      columns: [
        { name: 'user_id', header: 'User ID', required: true },
        { name: 'name', header: 'Name' },
        { name: 'email', header: 'Email' },
        { name: 'status', header: 'Status' },
      ],
    },
    {
      name: 'custom_field_definitions',
      file: 'custom_field_definitions.csv',
      columns: [
        { name: 'field', header: 'Field', required: true },
        { name: 'type', header: 'Type', required: true },
        { name: 'attached_to', header: 'Attached To', required: true },
        { name: 'owner_user_id', header: 'Owner User ID', references: { file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the definition names no owner' } },
        { name: 'options', header: 'Options' },
      ],
    },
    {
      name: 'reports',
      file: 'reports.csv',
      columns: [
        { name: 'report_name', header: 'Report Name', required: true },
        { name: 'module', header: 'Module' },
        { name: 'filters', header: 'Filters' },
        { name: 'groupings', header: 'Groupings' },
        { name: 'chart', header: 'Chart' },
      ],
    },
    {
      name: 'attachments',
      file: 'attachments.csv',
      idColumn: 'attachment_id',
      columns: [
        { name: 'attachment_id', header: 'Attachment ID', required: true },
        { name: 'contact_id', header: 'Contact ID', references: { file: 'contacts', column: 'contact_id', consequence: 'the file is not attached to that contact' } },
        { name: 'company_id', header: 'Company ID', references: { file: 'companies', column: 'company_id', consequence: 'the file is not attached to that company' } },
        { name: 'file_name', header: 'File Name' },
        { name: 'size', header: 'Size' },
      ],
    },
  ],
};
