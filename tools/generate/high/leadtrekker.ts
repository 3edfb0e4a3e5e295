/**
 * A Leadtrekker export in high mess (tools/generate/README.md): the source's files and columns,
 * every kind of mess drawn at random per file, row and value, and manifest.json.
 *
 *   npm run generate -- --source leadtrekker --mess high --leads 300 --out DIR --seed S
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Progress, Rng } from '../common.ts';
import { withRates } from '../mess/rates.ts';
import { ExportMess, type FileDef } from '../mess/writer.ts';
import type { SourceProfile, User } from '../mess/values.ts';
import { companyName } from '../mess/vocab.ts';
import { USERS as SAMPLE_USERS } from '../leadtrekker.ts';
import { attachment, makeUsers, nearDuplicate, ref, withDuplicate, withLegal, type HighOptions } from './shared.ts';

export const PROFILE: SourceProfile = {
  name: 'leadtrekker',
  region: 'za',
  dateOrder: 'dmy',
  dateFormats: ['dmy', 'dmy_short', 'iso'],
  dateTimeFormats: ['dmy_hm', 'dmy', 'iso_hms', 'iso_t'],
  timeZone: 'Africa/Johannesburg',
  phone: {
    cc: '27',
    national: (r) => r.pick([`082 555 ${r.int(1000, 9999)}`, `(011) 555-${r.int(1000, 9999)}`, `07${r.int(1, 9)}555${r.int(1000, 9999)}`, `021 555 ${r.int(1000, 9999)}`]),
    foreign: '+44 20 7946 0958',
  },
  money: { sign: 'R', code: 'ZAR', decimalComma: true },
  duration: 'seconds',
  encodings: [['win1252', 4], ['utf8', 2], ['utf8_bom', 2]],
  delimiters: [[';', 5], [',', 2], ['\t', 1]],
};

export const FILES = {
  leads: {
    file: 'leads.csv',
    required: true,
    columns: [
      { key: 'lead_id', header: 'Lead ID', required: true },
      { key: 'name', header: 'Name', aliases: ['Full Name', 'Lead Name'] },
      { key: 'first_name', header: 'First Name' },
      { key: 'last_name', header: 'Last Name' },
      { key: 'email', header: 'Email' },
      { key: 'phone', header: 'Phone' },
      { key: 'mobile', header: 'Mobile', aliases: ['Cell'], droppable: true },
      { key: 'company', header: 'Company', aliases: ['Company Name'] },
      { key: 'status', header: 'Status', ref: 'statuses.csv:status' },
      { key: 'source', header: 'Source', aliases: ['Lead Source'] },
      { key: 'owner', header: 'Owner', aliases: ['Owner Email', 'Assigned To'], ref: 'users.csv:email' },
      { key: 'group', header: 'Group', aliases: ['User Group'], ref: 'user_groups.csv:group' },
      { key: 'created', header: 'Created', aliases: ['Date Created'] },
      { key: 'modified', header: 'Modified', aliases: ['Last Modified'] },
      { key: 'budget', header: 'Budget (ZAR)' },
      { key: 'newsletter', header: 'Newsletter Opt-in' },
      { key: 'industry', header: 'Industry', droppable: true },
      { key: 'preferred_date', header: 'Preferred Contact Date' },
    ],
  },
  users: {
    file: 'users.csv',
    columns: [
      { key: 'user_id', header: 'User ID', droppable: true },
      { key: 'name', header: 'Name' },
      { key: 'email', header: 'Email', required: true },
      { key: 'active', header: 'Active' },
      { key: 'role', header: 'Role', droppable: true },
    ],
  },
  user_groups: {
    file: 'user_groups.csv',
    columns: [
      { key: 'group', header: 'Group', required: true },
      { key: 'member_email', header: 'Member Email', required: true, ref: 'users.csv:email' },
      { key: 'can_view', header: 'Can View' },
      { key: 'can_edit', header: 'Can Edit' },
    ],
  },
  activities: {
    file: 'activities.csv',
    columns: [
      { key: 'activity_id', header: 'Activity ID', required: true },
      { key: 'lead_id', header: 'Lead ID', required: true, ref: 'leads.csv:lead_id' },
      { key: 'type', header: 'Type', required: true },
      { key: 'date', header: 'Date' },
      { key: 'user', header: 'User', aliases: ['User Email'], ref: 'users.csv:email' },
      { key: 'subject', header: 'Subject' },
      { key: 'body', header: 'Body' },
      { key: 'duration', header: 'Duration' },
      { key: 'disposition', header: 'Disposition', droppable: true },
      { key: 'direction', header: 'Direction' },
      { key: 'email_event', header: 'Email Event' },
    ],
  },
  reminders: {
    file: 'reminders.csv',
    columns: [
      { key: 'reminder_id', header: 'Reminder ID', required: true },
      { key: 'lead_id', header: 'Lead ID', required: true, ref: 'leads.csv:lead_id' },
      { key: 'subject', header: 'Subject' },
      { key: 'due', header: 'Due' },
      { key: 'assigned_to', header: 'Assigned To', ref: 'users.csv:email' },
      { key: 'status', header: 'Status' },
      { key: 'repeat', header: 'Repeat', droppable: true },
    ],
  },
  attachments: {
    file: 'attachments.csv',
    columns: [
      { key: 'attachment_id', header: 'Attachment ID', required: true },
      { key: 'lead_id', header: 'Lead ID', required: true, ref: 'leads.csv:lead_id' },
      { key: 'file_name', header: 'File Name', required: true },
      { key: 'content_type', header: 'Content Type', droppable: true },
      { key: 'size', header: 'Size' },
      { key: 'path', header: 'Path', ref: 'files/' },
    ],
  },
  statuses: {
    file: 'statuses.csv',
    columns: [
      { key: 'status', header: 'Status', required: true },
      { key: 'probability', header: 'Probability' },
    ],
  },
  notification_triggers: {
    file: 'notification_triggers.csv',
    columns: [
      { key: 'trigger', header: 'Trigger', required: true },
      { key: 'event', header: 'Event' },
      { key: 'channel', header: 'Channel' },
      { key: 'recipients', header: 'Recipients' },
      { key: 'group', header: 'Group', ref: 'user_groups.csv:group' },
    ],
  },
} satisfies Record<string, Omit<FileDef, 'expected'>>;

const STATUSES: [string, number][] = [['New', 30], ['Contacted', 25], ['Qualified', 12], ['Proposal Sent', 8], ['Negotiation', 5], ['Won', 7], ['Lost', 8], ['Nurture', 3]];
const STATUS_PROBABILITY: Record<string, number> = { New: 10, Contacted: 20, Qualified: 40, 'Proposal Sent': 60, Negotiation: 75, Won: 100, Lost: 0, Nurture: 5 };
/** Statuses leads use that statuses.csv does not list. */
const UNLISTED_STATUSES = ['On Hold', 'Dormant', 'Archived', 'Do Not Contact'];
const SOURCES: [string, number][] = [['Website Form', 30], ['Cold Call', 12], ['Referral', 15], ['Facebook', 10], ['Trade Show', 8], ['Google Ads', 10], ['Walk-in', 5], ['', 7]];
const GROUPS = ['Sales', 'Support', 'Management', 'Interns', 'Inbound Desk', 'Key Accounts'];
const INDUSTRIES = ['Mining', 'Retail', 'Financial Services', 'Agriculture', 'Tourism', 'Manufacturing', 'Construction'];
const DISPOSITIONS = ['Connected', 'Left voicemail', 'No answer', 'Busy', 'Wrong number', 'Call back later'];
const SUBJECTS = ['Follow up on quote', 'Call back re: pricing', 'Send contract', 'Check in after demo', 'Confirm site visit'];
const DOMAIN = 'ltk-demo.co.za';

export async function generateLeadtrekkerHigh(opts: HighOptions & { leads: number }): Promise<{ files: Record<string, number> }> {
  const n = Math.max(0, Math.floor(opts.leads));
  const rng = Rng.fromTextMixed(`${opts.seed}/high`);
  const rates = withRates(opts.rates);
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(path.join(opts.outDir, 'files'), { recursive: true });
  const ex = new ExportMess(opts.outDir, rng, rates, PROFILE, Object.values(FILES));
  const progress = new Progress('leadtrekker (high mess) leads', n, { enabled: !!opts.progress });

  const base: User[] = SAMPLE_USERS.map((u) => ({ id: u.id, name: u.name, email: u.email, active: /^(yes|y|1|true)$/i.test(u.active) }));
  const users = makeUsers(rng, base, Math.min(200, Math.max(6, Math.ceil(n / 50))), 'za', DOMAIN, (i) => `U${i + 1}`);
  const statusList = STATUSES.map(([s]) => s);
  const groupCount = Math.min(GROUPS.length, 4 + rng.int(0, 2));
  // Which name columns this export has: one Name, First + Last, or both.
  const nameColumns = rng.weighted([['name', 5], ['split', 3], ['both', 2]]);
  const omit = nameColumns === 'name' ? ['first_name', 'last_name'] : nameColumns === 'split' ? ['name'] : [];

  const fUsers = ex.file({ ...FILES.users, expected: users.length });
  for (const u of users) {
    const email = fUsers.t.hit('users.email_case', rates.value / 2) ? u.email.toUpperCase() : u.email;
    const rec = { user_id: u.id, name: u.name, email, active: fUsers.v.bool(u.active), role: rng.pick(['Sales Rep', 'Sales Manager', 'Support', 'Intern', '']) };
    await withDuplicate(fUsers, rates, rec, (r) => ({ ...r, email: r.email.toLowerCase(), role: 'Sales Rep' }));
  }

  const fGroups = ex.file({ ...FILES.user_groups, expected: groupCount * 2 });
  for (let g = 0; g < groupCount; g++) {
    for (let k = 0, m = rng.int(2, 5); k < m; k++) {
      const u = rng.pick(users);
      const member = ref(fGroups, rates, 'member_email', fGroups.v.enumValue('member_email', u.email, []), () => `gone${rng.int(1, 99)}@${DOMAIN}`);
      await fGroups.row({ group: fGroups.v.enumValue('group', GROUPS[g]!, []), member_email: member, can_view: fGroups.v.bool(rng.chance(0.9)), can_edit: fGroups.v.bool(rng.chance(0.5)) });
    }
  }

  const fStatuses = ex.file({ ...FILES.statuses, expected: statusList.length + 2 });
  for (const s of statusList) {
    const rec = { status: fStatuses.v.enumValue('status', s, []), probability: fStatuses.v.probability(STATUS_PROBABILITY[s] ?? 50) };
    await withDuplicate(fStatuses, rates, rec, (r) => ({ ...r, probability: fStatuses.v.probability(rng.int(0, 100)) }));
  }

  const fTriggers = ex.file({ ...FILES.notification_triggers, expected: 12 });
  for (let i = 0; i < 12; i++) {
    const g = rng.pick(GROUPS.slice(0, groupCount));
    await fTriggers.row({
      trigger: rng.pick(['New web lead alert', 'Lead assigned', 'Reminder due', 'Won deal celebration', 'Autoresponder: thank you, "we will call"']) + ` ${i + 1}`,
      event: rng.pick(['Lead created', 'Owner changed', 'Status changed to Won', 'Reminder due']),
      channel: fTriggers.v.enumValue('channel', rng.pick(['SMS', 'email']), ['WhatsApp', 'Push']),
      recipients: rng.chance(0.5) ? `${rng.pick(users).email}; ${rng.pick(users).email}` : rng.pick(['owner', 'lead', 'assignee', 'Management']),
      group: rng.chance(0.3) ? '' : ref(fTriggers, rates, 'group', fTriggers.v.enumValue('group', g, []), () => rng.pick(['Franchise', 'Night Shift'])),
    });
  }

  const fLeads = ex.file({ ...FILES.leads, omit, expected: n });
  const fActs = ex.file({ ...FILES.activities, expected: n * 3 });
  const fRems = ex.file({ ...FILES.reminders, expected: Math.ceil(n / 2) });
  const fAtts = ex.file({ ...FILES.attachments, expected: Math.ceil(n / 5) });
  const leadOrphan = () => `LT-${900_000_000 + rng.int(0, 99_999_999)}`;
  let actSeq = 0, remSeq = 0, attSeq = 0;
  const day = 86_400_000;

  for (let i = 0; i < n; i++) {
    const id = `LT-${100001 + i}`;
    const v = fLeads.v;
    const p = v.person();
    const companyIdx = Math.floor(i / 3) + rng.int(0, 2);
    let company = withLegal(rng, companyName('za', companyIdx), 'za');
    if (fLeads.t.hit('company.near_duplicate', rates.nearDuplicate)) company = nearDuplicate(rng, companyName('za', companyIdx), 'za');
    if (fLeads.t.hit('company.empty', rates.value / 8)) company = '';
    const name = v.fullName(p, () => withLegal(rng, companyName('za', rng.int(0, 5000)), 'za'));
    const split = v.splitName(p, () => companyName('za', rng.int(0, 5000)));
    const created = v.wall(2021, 2025);
    const modified = new Date(created.getTime() + rng.int(0, 300) * day);
    const status = fLeads.t.hit('orphan:status', rates.orphan) ? rng.pick(UNLISTED_STATUSES) : v.enumValue('status', rng.weighted(STATUSES), []);
    const owner = v.owner(users, 'email', DOMAIN, 'owner');
    const rec: Record<string, string> = {
      lead_id: id,
      name,
      first_name: split.first,
      last_name: split.last,
      email: v.email(p, i),
      phone: v.phone(),
      mobile: rng.chance(0.6) ? v.phone() : '',
      company,
      status,
      source: v.enumValue('source', rng.weighted(SOURCES), ['Radio 702', 'Billboard', 'TikTok']),
      owner,
      group: ref(fLeads, rates, 'group', v.enumValue('group', rng.pick(GROUPS.slice(0, groupCount)), []), () => rng.pick(['Franchise', 'Night Shift', 'Old Team'])),
      created: v.date(created, true),
      modified: v.date(modified, true),
      budget: rng.chance(0.7) ? v.money(rng.int(1, 2000) * 500) : '',
      newsletter: v.bool(rng.chance(0.4)),
      industry: rng.chance(0.8) ? rng.pick(INDUSTRIES) : '',
      preferred_date: rng.chance(0.5) ? v.date(v.wall(2025, 2026), false) : '',
    };
    const malformed = fLeads.t.hit('rejected_parent', rates.rejectedParent);
    await withDuplicate(fLeads, rates, rec, (r) => ({ ...r, status: 'Contacted', modified: v.date(new Date(modified.getTime() + day), true) }), { malformed });

    for (let a = 0, k = rng.int(0, 6); a < k; a++) {
      actSeq++;
      const va = fActs.v;
      const type = rng.weighted([['call', 40], ['email', 35], ['note', 25]]);
      const when = new Date(created.getTime() + rng.int(0, 120) * day + rng.int(0, 8 * 3600) * 1000);
      const user = va.owner(users, 'email', DOMAIN, 'user');
      const secs = rng.chance(0.2) ? 0 : rng.int(20, 3900);
      await withDuplicate(fActs, rates, {
        activity_id: `A-${actSeq}`,
        lead_id: ref(fActs, rates, 'lead_id', id, leadOrphan, malformed),
        type: va.enumValue('type', type, ['sms', 'meeting', 'whatsapp']),
        date: va.date(when, true),
        user,
        subject: type === 'note' ? (rng.chance(0.5) ? 'Note' : '') : rng.pick(SUBJECTS),
        body: type === 'email' ? `From: ${user}\nTo: ${rec.email}\nSubject: ${rng.pick(SUBJECTS)}\n\n${va.text()}` : va.text(),
        duration: type === 'call' ? va.duration(secs) : '',
        disposition: type === 'call' ? rng.pick(DISPOSITIONS) : '',
        direction: type === 'note' ? '' : va.enumValue('direction', rng.pick(['inbound', 'outbound']), ['internal']),
        email_event: type === 'email' ? va.enumValue('email_event', rng.pick(['sent', 'opened', 'replied']), ['bounced', 'clicked']) : '',
      }, (r) => ({ ...r, subject: `${r.subject} (edited)` }));
    }

    for (let j = 0, k = rng.chance(0.4) ? rng.int(1, 2) : 0; j < k; j++) {
      remSeq++;
      const vr = fRems.v;
      await withDuplicate(fRems, rates, {
        reminder_id: `R-${remSeq}`,
        lead_id: ref(fRems, rates, 'lead_id', id, leadOrphan, malformed),
        subject: rng.pick(SUBJECTS),
        due: vr.date(new Date(created.getTime() + rng.int(1, 400) * day), rng.chance(0.3)),
        assigned_to: vr.owner(users, 'email', DOMAIN, 'assigned_to'),
        status: vr.enumValue('status', rng.pick(['pending', 'completed']), ['snoozed', 'cancelled']),
        repeat: rng.pick(['', '', 'weekly', 'monthly']),
      }, (r) => ({ ...r, status: 'completed' }));
    }

    if (rng.chance(0.2)) {
      attSeq++;
      const file = rng.pick([{ name: `quote-${i}.pdf`, type: 'application/pdf' }, { name: `id copy ${i}.jpg`, type: 'image/jpeg' }, { name: `notes, ${i}.docx`, type: '' }]);
      const a = attachment(fAtts, rates, opts.outDir, id, file.name, `${file.name} for ${id}\r\n`);
      await withDuplicate(fAtts, rates, {
        attachment_id: `ATT-${attSeq}`,
        lead_id: ref(fAtts, rates, 'lead_id', id, leadOrphan, malformed),
        file_name: file.name,
        content_type: file.type,
        size: a.size,
        path: a.path,
      }, (r) => ({ ...r, file_name: `v2 ${r.file_name}` }));
    }
    progress.tick(i + 1);
  }
  progress.done();
  return { files: await ex.finish({ leads: n, nameColumns }) };
}
