/**
 * The four high-mess generators with the test's own reading of which columns hold which kind of
 * value (from the source layouts), so the checks can look for each kind of mess in the files.
 */
import type { ColumnDef } from '../../tools/generate/mess/writer.ts';
import * as ltk from '../../tools/generate/high/leadtrekker.ts';
import * as st from '../../tools/generate/high/servicetracker.ts';
import * as ltc from '../../tools/generate/high/leadtrac.ts';
import * as asp from '../../tools/generate/high/aspec.ts';
import type { HighOptions } from '../../tools/generate/high/shared.ts';

/** `file.csv:key` names of columns. */
type Cols = string[];

export interface SourceCase {
  source: string;
  pipeline: string;
  layout: Record<string, { file: string; required?: boolean; columns: readonly ColumnDef[] }>;
  generate(o: HighOptions & { size: number }): Promise<{ files: Record<string, number> }>;
  dateOrder: 'dmy' | 'mdy';
  dst: boolean;
  encodings: string[];
  dates: Cols;
  times: Cols;
  fullNames: Cols;
  /** [first, last] pairs. */
  splitNames: [string, string][];
  emails: Cols;
  phones: Cols;
  money: Cols;
  bools: Cols;
  probabilities: Cols;
  durations?: { cols: Cols; unit: 'seconds' | 'minutes' };
  /** Columns with a known vocabulary (lower-case values). */
  enums: { col: string; known: string[] }[];
  owners: Cols;
  /** users file, and how a user is recognised and found inactive. */
  users: { file: string; keys: string[]; inactive: (r: Record<string, string>) => boolean };
  companies: Cols;
}

const no = (v: string | undefined) => /^\s*(no|n|false|0)\s*$/i.test(v ?? '');

export const CASES: SourceCase[] = [
  {
    source: 'leadtrekker',
    pipeline: 'leadtrekker-to-zoho',
    layout: ltk.FILES,
    generate: (o) => ltk.generateLeadtrekkerHigh({ ...o, leads: o.size }),
    dateOrder: 'dmy',
    dst: false,
    encodings: ['utf8', 'utf8_bom', 'win1252'],
    dates: ['leads.csv:preferred_date', 'reminders.csv:due'],
    times: ['leads.csv:created', 'leads.csv:modified', 'activities.csv:date'],
    fullNames: ['leads.csv:name'],
    splitNames: [['leads.csv:first_name', 'leads.csv:last_name']],
    emails: ['leads.csv:email'],
    phones: ['leads.csv:phone', 'leads.csv:mobile'],
    money: ['leads.csv:budget'],
    bools: ['leads.csv:newsletter', 'users.csv:active', 'user_groups.csv:can_view', 'user_groups.csv:can_edit'],
    probabilities: ['statuses.csv:probability'],
    durations: { cols: ['activities.csv:duration'], unit: 'seconds' },
    enums: [
      { col: 'activities.csv:type', known: ['call', 'email', 'note'] },
      { col: 'activities.csv:direction', known: ['inbound', 'outbound'] },
      { col: 'activities.csv:email_event', known: ['sent', 'opened', 'replied'] },
      { col: 'reminders.csv:status', known: ['pending', 'completed'] },
      { col: 'leads.csv:source', known: ['website form', 'cold call', 'referral', 'facebook', 'trade show', 'google ads', 'walk-in'] },
    ],
    owners: ['leads.csv:owner', 'activities.csv:user', 'reminders.csv:assigned_to'],
    users: { file: 'users.csv', keys: ['email', 'name'], inactive: (r) => no(r.active) },
    companies: ['leads.csv:company'],
  },
  {
    source: 'servicetracker',
    pipeline: 'servicetracker-to-zoho',
    layout: st.FILES,
    generate: (o) => st.generateServicetrackerHigh({ ...o, clients: o.size }),
    dateOrder: 'mdy',
    dst: false,
    encodings: ['utf8', 'utf8_bom'],
    dates: ['clients.csv:customer_since', 'contracts.csv:start_date', 'contracts.csv:end_date', 'assets.csv:warranty_expiry', 'service_history.csv:date'],
    times: ['work_orders.csv:scheduled_start', 'work_orders.csv:completed_at', 'service_history.csv:start', 'service_history.csv:end', 'portal_users.csv:last_login'],
    fullNames: [],
    splitNames: [['contacts.csv:first_name', 'contacts.csv:last_name']],
    emails: ['contacts.csv:email', 'portal_users.csv:email'],
    phones: ['contacts.csv:phone', 'contacts.csv:mobile', 'clients.csv:phone', 'technicians.csv:phone'],
    money: ['work_orders.csv:amount', 'contracts.csv:monthly_value', 'parts.csv:unit_cost', 'work_order_parts.csv:unit_price'],
    bools: ['technicians.csv:active', 'service_history.csv:scheduled'],
    probabilities: [],
    enums: [
      { col: 'work_orders.csv:status', known: ['open', 'in progress', 'on hold', 'completed', 'invoiced'] },
      { col: 'attachments.csv:kind', known: ['signature', 'photo', 'report'] },
    ],
    owners: ['work_orders.csv:technician_id', 'service_history.csv:technician_id'],
    users: { file: 'technicians.csv', keys: ['technician_id', 'email', 'name'], inactive: (r) => no(r.active) },
    companies: ['clients.csv:client_name'],
  },
  {
    source: 'leadtrac',
    pipeline: 'leadtrac-to-nutshell',
    layout: ltc.FILES,
    generate: (o) => ltc.generateLeadtracHigh({ ...o, leads: o.size }),
    dateOrder: 'mdy',
    dst: true,
    encodings: ['utf8', 'utf8_bom'],
    dates: ['people.csv:birthday', 'leads.csv:enrollment_date'],
    times: ['leads.csv:created_date', 'leads.csv:modified_date', 'people.csv:modified_date', 'lead_people.csv:modified_date', 'activities.csv:date', 'activities.csv:end_date'],
    fullNames: [],
    splitNames: [['people.csv:first_name', 'people.csv:last_name']],
    emails: ['people.csv:email'],
    phones: ['people.csv:phone'],
    money: ['leads.csv:settlement_amount'],
    bools: ['users.csv:active', 'lead_people.csv:is_primary', 'person_companies.csv:is_primary'],
    probabilities: [],
    durations: { cols: ['activities.csv:duration'], unit: 'minutes' },
    enums: [
      { col: 'activities.csv:type', known: ['call', 'email', 'note', 'meeting', 'appointment'] },
      { col: 'leads.csv:status', known: ['new', 'contacted', 'qualified', 'docs sent', 'enrolled', 'won', 'lost', 'not interested'] },
    ],
    owners: ['leads.csv:owner_email', 'activities.csv:owner_email'],
    users: { file: 'users.csv', keys: ['email', 'name'], inactive: (r) => no(r.active) },
    companies: ['companies.csv:name'],
  },
  {
    source: 'aspec',
    pipeline: 'aspec-to-zoho',
    layout: asp.FILES,
    generate: (o) => asp.generateAspecHigh({ ...o, contacts: o.size }),
    dateOrder: 'dmy',
    dst: true,
    encodings: ['utf8', 'utf8_bom', 'win1252'],
    dates: ['contacts.csv:birthday', 'opportunities.csv:expected_close'],
    times: ['activities.csv:date', 'activities.csv:end'],
    fullNames: [],
    splitNames: [['contacts.csv:first_name', 'contacts.csv:last_name']],
    emails: ['contacts.csv:email'],
    phones: ['contacts.csv:phone'],
    money: ['opportunities.csv:value', 'contacts.csv:lifetime_value'],
    bools: ['contacts.csv:newsletter'],
    probabilities: ['opportunities.csv:probability', 'pipeline_stages.csv:probability'],
    enums: [
      { col: 'activities.csv:type', known: ['call', 'email', 'task', 'meeting', 'note'] },
      { col: 'users.csv:status', known: ['active', 'archived'] },
    ],
    owners: ['contacts.csv:owner_id', 'companies.csv:owner_id', 'opportunities.csv:owner_id', 'activities.csv:owner_id'],
    users: { file: 'users.csv', keys: ['user_id', 'email', 'name'], inactive: (r) => /archived/i.test(r.status ?? '') },
    companies: ['companies.csv:name'],
  },
];
