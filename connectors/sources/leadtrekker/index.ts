/** Leadtrekker Lead Management exports (docs/sources.md, Leadtrekker): `;`-delimited, often Windows-1252, day-first dates. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceConnector } from '../../../engine/source.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export const leadtrekker: SourceConnector = {
  name: 'leadtrekker',
  title: 'Leadtrekker Lead Management',
  conventions: { dateOrder: 'dmy', timezone: 'Africa/Johannesburg', phoneCountry: 'ZA', decimalSeparator: '.', currency: 'ZAR' },
  sampleDir: path.join(here, 'sample'),
  filesDir: 'files',
  files: [
    {
      name: 'leads',
      file: 'leads.csv',
      required: true,
      idColumn: 'lead_id',
      requireOneOf: [['name'], ['last_name']],
      columns: [
        { name: 'lead_id', header: 'Lead ID', required: true },
        { name: 'name', header: 'Name', aliases: ['Full Name', 'Lead Name'] },
        { name: 'first_name', header: 'First Name' },
        { name: 'last_name', header: 'Last Name' },
        { name: 'email', header: 'Email' },
        { name: 'phone', header: 'Phone' },
        { name: 'mobile', header: 'Mobile', aliases: ['Cell'] },
        { name: 'company', header: 'Company', aliases: ['Company Name'] },
        { name: 'status', header: 'Status' },
        { name: 'source', header: 'Source', aliases: ['Lead Source'] },
        { name: 'owner', header: 'Owner', aliases: ['Owner Email', 'Assigned To'] },
        { name: 'group', header: 'Group', aliases: ['User Group'] },
        { name: 'created', header: 'Created', aliases: ['Date Created'] },
        { name: 'modified', header: 'Modified', aliases: ['Last Modified'] },
      ],
    },
    {
      name: 'users',
      file: 'users.csv',
      idColumn: 'email',
      columns: [
        { name: 'user_id', header: 'User ID' },
        { name: 'name', header: 'Name' },
        { name: 'email', header: 'Email', required: true },
        { name: 'active', header: 'Active' },
        { name: 'role', header: 'Role' },
      ],
    },
    {
      name: 'user_groups',
      file: 'user_groups.csv',
      columns: [
        { name: 'group', header: 'Group', required: true },
        { name: 'member_email', header: 'Member Email', required: true },
        { name: 'can_view', header: 'Can View' },
        { name: 'can_edit', header: 'Can Edit' },
      ],
    },
    {
      name: 'activities',
      file: 'activities.csv',
      idColumn: 'activity_id',
      columns: [
        { name: 'activity_id', header: 'Activity ID', required: true },
        { name: 'lead_id', header: 'Lead ID', required: true },
        { name: 'type', header: 'Type', required: true },
        { name: 'date', header: 'Date' },
        { name: 'user', header: 'User', aliases: ['User Email'] },
        { name: 'subject', header: 'Subject' },
        { name: 'body', header: 'Body' },
        { name: 'duration', header: 'Duration' },
        { name: 'disposition', header: 'Disposition' },
        { name: 'direction', header: 'Direction' },
        { name: 'email_event', header: 'Email Event' },
      ],
    },
    {
      name: 'reminders',
      file: 'reminders.csv',
      idColumn: 'reminder_id',
      columns: [
        { name: 'reminder_id', header: 'Reminder ID', required: true },
        { name: 'lead_id', header: 'Lead ID', required: true },
        { name: 'subject', header: 'Subject' },
        { name: 'due', header: 'Due' },
        { name: 'assigned_to', header: 'Assigned To' },
        { name: 'status', header: 'Status' },
        { name: 'repeat', header: 'Repeat' },
      ],
    },
    {
      name: 'attachments',
      file: 'attachments.csv',
      idColumn: 'attachment_id',
      columns: [
        { name: 'attachment_id', header: 'Attachment ID', required: true },
        { name: 'lead_id', header: 'Lead ID', required: true },
        { name: 'file_name', header: 'File Name', required: true },
        { name: 'content_type', header: 'Content Type' },
        { name: 'size', header: 'Size' },
        { name: 'path', header: 'Path' },
      ],
    },
    {
      name: 'statuses',
      file: 'statuses.csv',
      idColumn: 'status',
      columns: [
        { name: 'status', header: 'Status', required: true },
        { name: 'probability', header: 'Probability' },
      ],
    },
    {
      name: 'notification_triggers',
      file: 'notification_triggers.csv',
      columns: [
        { name: 'trigger', header: 'Trigger', required: true },
        { name: 'event', header: 'Event' },
        { name: 'channel', header: 'Channel' },
        { name: 'recipients', header: 'Recipients' },
        { name: 'group', header: 'Group' },
      ],
    },
  ],
};
