/** Metadata APIs (reference §6, §7): modules, fields, layouts, users, roles, profiles, org, tags. */
import { fail, readJson, send, type Ctx } from './http.ts';
import { loadModule, type FieldMeta, type ModuleMeta } from './model.ts';
import { apiNameFromLabel, customModuleFields, insertModule, newId, ORG_PREFIX, ORG_ZGID, zohoTime } from './store.ts';

export const ROLES = [
  { id: `${ORG_PREFIX}000000026005`, name: 'CEO', reporting_to: null },
  { id: `${ORG_PREFIX}000000026008`, name: 'Manager', reporting_to: `${ORG_PREFIX}000000026005` },
];
export const PROFILES = [
  { id: `${ORG_PREFIX}000000026011`, name: 'Administrator', custom: false, default: false },
  { id: `${ORG_PREFIX}000000026014`, name: 'Standard', custom: false, default: true },
];

const CUSTOM_TYPES: Record<string, { min?: number; max?: number; default?: number }> = {
  text: { min: 1, max: 255, default: 255 },
  textarea: {},
  email: { min: 1, max: 100, default: 100 },
  phone: { min: 1, max: 30, default: 30 },
  integer: { min: 1, max: 9, default: 9 },
  bigint: { min: 1, max: 18, default: 18 },
  double: { min: 1, max: 18, default: 16 },
  currency: { min: 1, max: 16, default: 16 },
  percent: { min: 1, max: 5, default: 5 },
  website: { min: 1, max: 450, default: 255 },
  boolean: {},
  date: {},
  datetime: {},
  picklist: {},
  multiselectpicklist: {},
  lookup: {},
  userlookup: {},
};
const RESERVED = new Set(['id', 'Owner', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By', 'Tag', 'Layout', 'Record_Status__s', 'Name', 'Select', 'From', 'Where']);

function fieldOut(f: FieldMeta, mod: ModuleMeta) {
  const picklist = f.data_type === 'picklist' || f.data_type === 'multiselectpicklist';
  return {
    id: f.id,
    api_name: f.api_name,
    field_label: f.field_label,
    display_label: f.field_label,
    data_type: f.data_type === 'multi_module_lookup' ? 'lookup' : f.data_type,
    json_type: ['integer'].includes(f.data_type)
      ? 'integer'
      : ['double', 'currency', 'percent'].includes(f.data_type)
        ? 'double'
        : f.data_type === 'boolean'
          ? 'boolean'
          : ['lookup', 'ownerlookup', 'userlookup', 'multi_module_lookup'].includes(f.data_type)
            ? 'jsonobject'
            : ['multiselectpicklist', 'multiselectlookup'].includes(f.data_type) || f.api_name === 'Tag'
              ? 'jsonarray'
              : 'string',
    length: f.length,
    system_mandatory: f.system_mandatory,
    custom_field: f.custom_field,
    read_only: f.read_only,
    field_read_only: f.read_only,
    visible: true,
    type: 'used',
    operation_type: { web_create: !f.read_only, web_update: !f.read_only, api_create: !f.read_only, api_update: !f.read_only },
    unique: f.unique ?? {},
    lookup: f.lookup_module ? { module: { api_name: f.lookup_module, id: null }, display_label: f.lookup_module } : {},
    textarea: f.data_type === 'textarea' ? { type: f.textarea_type ?? 'large' } : null,
    pick_list_values: picklist
      ? (f.pick_list ?? []).map((o, i) => ({ id: o.id, display_value: o.display_value, actual_value: o.actual_value, reference_value: o.display_value, sequence_number: i + 1, colour_code: null, type: 'used' }))
      : [],
    pick_list_values_sorted_lexically: false,
    created_source: f.custom_field ? 'crm' : 'default',
    layout_associations: [{ api_name: 'Standard__s', name: 'Standard', id: `${mod.id}1` }],
    sortable: true,
    searchable: true,
    filterable: true,
  };
}

async function moduleList(ctx: Ctx) {
  const { rows } = await ctx.pool.query('select api_name, id, custom, data from sandbox_zoho.modules order by api_name');
  return rows.map((r, i) => ({
    id: r.id,
    api_name: r.api_name,
    module_name: r.data.plural_label,
    singular_label: r.data.singular_label,
    plural_label: r.data.plural_label,
    actual_singular_label: r.data.singular_label,
    actual_plural_label: r.data.plural_label,
    generated_type: r.custom ? 'custom' : 'default',
    api_supported: r.data.api_supported !== false,
    creatable: true,
    editable: true,
    deletable: true,
    viewable: true,
    convertable: r.api_name === 'Leads',
    status: 'visible',
    sequence_number: i + 1,
    profiles: PROFILES.map((p) => ({ name: p.name, id: p.id })),
    modified_time: null,
  }));
}

async function createModule(ctx: Ctx) {
  if (!ctx.org.allowCustomModules) throw fail(400, 'NOT_SUPPORTED', 'Module creation is not supported for the current edition', {});
  const body = await readJson(ctx);
  const mods = body.modules as Record<string, unknown>[] | undefined;
  if (!Array.isArray(mods) || mods.length !== 1) throw fail(400, 'INVALID_DATA', 'exactly one module per call', { api_name: 'modules' });
  const m = mods[0]!;
  const plural = String(m.plural_label ?? '');
  const singular = String(m.singular_label ?? '');
  for (const [k, v] of [['plural_label', plural], ['singular_label', singular]] as const) {
    if (!v) return send(ctx, 400, { modules: [{ code: 'MANDATORY_NOT_FOUND', details: { api_name: k }, message: 'required field not found', status: 'error' }] });
    if (v.length > 25 || !/^[A-Za-z0-9 ]+$/.test(v)) return send(ctx, 400, { modules: [{ code: 'INVALID_DATA', details: { api_name: k, maximum_length: 25 }, message: 'invalid data', status: 'error' }] });
  }
  if (!Array.isArray(m.profiles) || !m.profiles.length) return send(ctx, 400, { modules: [{ code: 'MINIMUM_DATA_NOT_FOUND', details: { api_name: 'profiles' }, message: 'at least one profile is required', status: 'error' }] });
  const apiName = String(m.api_name ?? apiNameFromLabel(plural));
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(apiName) || apiName.includes('__') || apiName.endsWith('_') || apiName.length > 50) {
    return send(ctx, 400, { modules: [{ code: 'INVALID_DATA', details: { api_name: 'api_name' }, message: 'invalid data', status: 'error' }] });
  }
  if (await loadModule(ctx.pool, apiName)) return send(ctx, 400, { modules: [{ code: 'DUPLICATE_DATA', details: { api_name: 'api_name' }, message: 'duplicate data', status: 'error' }] });
  const count = await ctx.pool.query('select count(*)::int as n from sandbox_zoho.modules where custom');
  if (count.rows[0].n >= 200) return send(ctx, 400, { modules: [{ code: 'LIMIT_EXCEEDED', details: {}, message: 'module limit exceeded', status: 'error' }] });
  const display = (m.display_field as { field_label?: string } | undefined)?.field_label;
  const fields = customModuleFields().map((f) => (f.api_name === 'Name' && display ? { ...f, label: display } : f));
  const id = await insertModule(ctx.pool, { api_name: apiName, singular, plural, duplicateCheck: 'Name', fields }, true);
  ctx.credits = 500;
  send(ctx, 201, { modules: [{ code: 'SUCCESS', details: { id }, message: 'module created successfully', status: 'success' }] });
}

async function createFields(ctx: Ctx, mod: ModuleMeta) {
  const body = await readJson(ctx);
  const list = body.fields as Record<string, unknown>[] | undefined;
  if (!Array.isArray(list) || !list.length) throw fail(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'fields' });
  if (list.length > 5) throw fail(400, 'LIMIT_EXCEEDED', 'fields per call exceed the limit', { maximum_length: 5, api_name: 'fields' });
  const results = [];
  let customCount = [...mod.fields.values()].filter((f) => f.custom_field).length;
  let uniqueCount = [...mod.fields.values()].filter((f) => f.custom_field && Object.keys(f.unique ?? {}).length).length;
  const fresh = await loadModule(ctx.pool, mod.api_name);
  const taken = new Set([...(fresh?.fields.keys() ?? [])]);
  const labels = new Set([...(fresh?.fields.values() ?? [])].map((f) => f.field_label.toLowerCase()));
  for (const [i, f] of list.entries()) {
    const err = (code: string, message: string, details: Record<string, unknown>) => results.push({ code, details: { json_path: `$.fields[${i}]`, ...details }, message, status: 'error' });
    const label = typeof f.field_label === 'string' ? f.field_label.trim() : '';
    const type = String(f.data_type ?? '');
    if (!label) {
      err('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'field_label' });
      continue;
    }
    if (!type) {
      err('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data_type' });
      continue;
    }
    if (/[^A-Za-z0-9 _\-()./&]/.test(label)) {
      err('INVALID_DATA', 'special characters are not allowed in field_label', { api_name: 'field_label' });
      continue;
    }
    const spec = CUSTOM_TYPES[type];
    if (!spec) {
      err('INVALID_DATA', 'invalid data', { api_name: 'data_type', supported_values: Object.keys(CUSTOM_TYPES) });
      continue;
    }
    if (labels.has(label.toLowerCase())) {
      err('DUPLICATE_DATA', 'duplicate data', { api_name: 'field_label' });
      continue;
    }
    if (customCount >= ctx.org.customFieldQuota) {
      err('LIMIT_EXCEEDED', 'The field has reached its maximum creation limit', { limit: ctx.org.customFieldQuota });
      continue;
    }
    let length = f.length === undefined ? (spec.default ?? null) : Number(f.length);
    if (spec.min !== undefined && (length === null || !Number.isInteger(length) || length < spec.min || length > spec.max!)) {
      err('DEPENDENT_MISMATCH', 'length out of range', { api_name: 'length', minimum_length: spec.min, maximum_length: spec.max });
      continue;
    }
    let textareaType: string | null = null;
    if (type === 'textarea') {
      textareaType = (f.textarea as { type?: string } | undefined)?.type ?? '';
      const max = { small: 2000, large: 32000, rich_text: 50000 }[textareaType];
      if (!max) {
        err('DEPENDENT_FIELD_MISSING', 'textarea.type is required', { api_name: 'textarea', supported_values: ['small', 'large', 'rich_text'] });
        continue;
      }
      length = max;
    }
    let picklist: { id: string; display_value: string; actual_value: string }[] | null = null;
    if (type === 'picklist' || type === 'multiselectpicklist') {
      const vals = f.pick_list_values as { display_value?: string; actual_value?: string }[] | undefined;
      if (!Array.isArray(vals) || !vals.length) {
        err('DEPENDENT_FIELD_MISSING', 'pick_list_values is required', { api_name: 'pick_list_values' });
        continue;
      }
      const seen = new Set<string>();
      picklist = [];
      let dup = false;
      for (const v of vals) {
        const d = String(v.display_value ?? '');
        if (!d || seen.has(d.toLowerCase())) dup = true;
        seen.add(d.toLowerCase());
        picklist.push({ id: await newId(ctx.pool), display_value: d, actual_value: String(v.actual_value ?? d) });
      }
      if (dup) {
        err('DUPLICATE_DATA', 'duplicate or empty display_value in pick_list_values', { api_name: 'pick_list_values' });
        continue;
      }
    }
    let lookupModule: string | null = null;
    if (type === 'lookup') {
      lookupModule = (f.lookup as { module?: { api_name?: string } } | undefined)?.module?.api_name ?? null;
      if (!lookupModule || !(await loadModule(ctx.pool, lookupModule))) {
        err('INVALID_DATA', 'invalid lookup module', { api_name: 'lookup' });
        continue;
      }
    }
    const unique = f.unique && typeof f.unique === 'object' ? f.unique : null;
    if (unique && uniqueCount >= 2) {
      err('LIMIT_EXCEEDED', 'unique fields per module exceed the limit', { api_name: 'unique', limit: 2 });
      continue;
    }
    let apiName = apiNameFromLabel(label);
    if (RESERVED.has(apiName)) {
      err('RESERVED_KEYWORD_NOT_ALLOWED', 'reserved keyword not allowed', { api_name: 'field_label' });
      continue;
    }
    // Duplicate api_names get a numeric suffix (see README: derivation is the sandbox's choice).
    if (taken.has(apiName)) {
      let n = 1;
      while (taken.has(`${apiName}${n}`)) n++;
      apiName = `${apiName}${n}`;
    }
    const id = await newId(ctx.pool);
    await ctx.pool.query('insert into sandbox_zoho.fields (module, api_name, id, data) values ($1,$2,$3,$4)', [
      mod.api_name,
      apiName,
      id,
      {
        field_label: label,
        data_type: type,
        length,
        system_mandatory: false,
        custom_field: true,
        read_only: false,
        unique: unique ? { casesensitive: false } : {},
        lookup_module: lookupModule,
        pick_list: picklist,
        strict_picklist: f.strict_picklist === true,
        textarea_type: textareaType,
      },
    ]);
    taken.add(apiName);
    labels.add(label.toLowerCase());
    customCount++;
    if (unique) uniqueCount++;
    results.push({ code: 'SUCCESS', details: { id, api_name: apiName }, message: 'field created', status: 'success' });
  }
  const ok = results.filter((r) => r.status === 'success').length;
  send(ctx, ok === results.length ? 201 : ok === 0 ? 400 : 207, { fields: results });
}

async function updateFields(ctx: Ctx, mod: ModuleMeta, fieldId: string | undefined) {
  const body = await readJson(ctx);
  const list = body.fields as Record<string, unknown>[] | undefined;
  if (!Array.isArray(list) || !list.length) throw fail(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'fields' });
  if (list.length > 5) throw fail(400, 'LIMIT_EXCEEDED', 'fields per call exceed the limit', { maximum_length: 5, api_name: 'fields' });
  const results = [];
  for (const [i, item] of list.entries()) {
    const id = fieldId ?? (item.id ? String(item.id) : undefined);
    const field = [...mod.fields.values()].find((f) => f.id === id);
    const err = (code: string, message: string, details: Record<string, unknown>) => results.push({ code, details: { json_path: `$.fields[${i}]`, ...details }, message, status: 'error' });
    if (!field) {
      err('INVALID_DATA', 'the id given seems to be invalid', { api_name: 'id', id });
      continue;
    }
    if (item.data_type !== undefined && item.data_type !== field.data_type) {
      err('NOT_ALLOWED', 'field type conversion is not allowed', { api_name: 'data_type' });
      continue;
    }
    const data: Record<string, unknown> = { ...field };
    delete data.id;
    delete data.api_name;
    delete data.seq;
    if (item.field_label !== undefined) {
      if (!field.custom_field) {
        err('NOT_ALLOWED', 'labels of system fields cannot be changed', { api_name: 'field_label' });
        continue;
      }
      data.field_label = String(item.field_label);
    }
    if (item.length !== undefined) {
      const spec = CUSTOM_TYPES[field.data_type];
      const n = Number(item.length);
      if (!spec || spec.min === undefined || !Number.isInteger(n) || n < spec.min || n > spec.max!) {
        err('DEPENDENT_MISMATCH', 'length out of range', { api_name: 'length' });
        continue;
      }
      data.length = n;
    }
    if (item.pick_list_values !== undefined) {
      if (field.data_type !== 'picklist' && field.data_type !== 'multiselectpicklist') {
        err('NOT_ALLOWED', 'pick_list_values apply to picklist fields only', { api_name: 'pick_list_values' });
        continue;
      }
      const opts = [...(field.pick_list ?? [])];
      let bad: string | undefined;
      for (const v of item.pick_list_values as { id?: string; display_value?: string; actual_value?: string; _delete?: boolean }[]) {
        const existing = opts.findIndex((o) => (v.id && o.id === String(v.id)) || (!v.id && v.actual_value !== undefined && o.actual_value === v.actual_value && !v.display_value));
        if (v.id || (existing >= 0 && v._delete)) {
          const at = opts.findIndex((o) => o.id === String(v.id) || (v.actual_value !== undefined && o.actual_value === v.actual_value));
          if (at < 0) {
            bad = 'the picklist option id given seems to be invalid';
            break;
          }
          if (v._delete) opts.splice(at, 1);
          else if (v.display_value) opts[at] = { ...opts[at]!, display_value: v.display_value };
          continue;
        }
        const d = String(v.display_value ?? '');
        if (!d) {
          bad = 'display_value is required';
          break;
        }
        if (opts.some((o) => o.display_value.toLowerCase() === d.toLowerCase())) {
          bad = `duplicate display_value "${d}"`;
          break;
        }
        opts.push({ id: await newId(ctx.pool), display_value: d, actual_value: String(v.actual_value ?? d) });
      }
      if (bad) {
        err(bad.startsWith('duplicate') ? 'DUPLICATE_DATA' : 'INVALID_DATA', bad, { api_name: 'pick_list_values' });
        continue;
      }
      data.pick_list = opts;
    }
    if (typeof item.strict_picklist === 'boolean') data.strict_picklist = item.strict_picklist;
    await ctx.pool.query('update sandbox_zoho.fields set data = $3 where module = $1 and api_name = $2', [mod.api_name, field.api_name, data]);
    results.push({ code: 'SUCCESS', details: { id: field.id }, message: 'field updated', status: 'success' });
  }
  const ok = results.filter((r) => r.status === 'success').length;
  send(ctx, ok === results.length ? 200 : ok === 0 ? 400 : 207, { fields: results });
}

async function moduleParam(ctx: Ctx): Promise<ModuleMeta> {
  const name = ctx.url.searchParams.get('module');
  if (!name) throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'module' });
  const mod = await loadModule(ctx.pool, name);
  if (!mod) throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { param_name: 'module' });
  return mod;
}

const USER_TYPES: Record<string, (u: { status: string; profile: string; confirm: boolean }, cur: boolean) => boolean> = {
  AllUsers: (u) => u.status !== 'deleted',
  ActiveUsers: (u) => u.status === 'active',
  DeactiveUsers: (u) => u.status === 'inactive' || u.status === 'disabled',
  ConfirmedUsers: (u) => u.confirm,
  NotConfirmedUsers: (u) => !u.confirm,
  DeletedUsers: (u) => u.status === 'deleted',
  ActiveConfirmedUsers: (u) => u.status === 'active' && u.confirm,
  AdminUsers: (u) => u.profile === 'Administrator',
  ActiveConfirmedAdmins: (u) => u.profile === 'Administrator' && u.status === 'active' && u.confirm,
  CurrentUser: (_u, cur) => cur,
};

function userOut(u: Record<string, unknown>) {
  const parts = String(u.full_name).split(' ');
  const role = ROLES.find((r) => r.name === u.role) ?? ROLES[0]!;
  const profile = PROFILES.find((p) => p.name === u.profile) ?? PROFILES[1]!;
  return {
    id: u.id,
    email: u.email,
    first_name: parts.length > 1 ? parts.slice(0, -1).join(' ') : null,
    last_name: parts[parts.length - 1],
    full_name: u.full_name,
    status: u.status,
    confirm: u.confirm,
    role: { name: role.name, id: role.id },
    profile: { name: profile.name, id: profile.id },
    zuid: u.id,
    time_zone: 'Etc/UTC',
    locale: 'en_US',
    language: 'en_US',
    country_locale: 'en_US',
    date_format: 'MM/dd/yyyy',
    time_format: 'hh:mm a',
    type__s: 'Regular User',
  };
}

async function users(ctx: Ctx, userId?: string) {
  const { rows } = await ctx.pool.query('select id, email, full_name, status, profile, role, confirm from sandbox_zoho.users order by id');
  if (userId) {
    const u = rows.find((r) => r.id === userId);
    if (!u) return send(ctx, 204);
    return send(ctx, 200, { users: [userOut(u)] });
  }
  const type = ctx.url.searchParams.get('type') ?? 'AllUsers';
  const pred = USER_TYPES[type];
  if (!pred) throw fail(400, 'INVALID_DATA', 'invalid data', { param_name: 'type', supported_values: Object.keys(USER_TYPES) });
  const perPage = Number(ctx.url.searchParams.get('per_page') ?? 200);
  const page = Number(ctx.url.searchParams.get('page') ?? 1);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) throw fail(400, 'INVALID_DATA', 'invalid data', { param_name: 'per_page', maximum_value: 200 });
  if (!Number.isInteger(page) || page < 1) throw fail(400, 'INVALID_DATA', 'invalid data', { param_name: 'page' });
  let list = rows.filter((u) => pred(u, u.id === ctx.apiUser.id));
  const ids = ctx.url.searchParams.get('ids');
  if (ids) list = list.filter((u) => ids.split(',').includes(u.id));
  const slice = list.slice((page - 1) * perPage, page * perPage);
  if (!slice.length) return send(ctx, 204);
  send(ctx, 200, { users: slice.map(userOut), info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < list.length } });
}

/**
 * POST /users (reference §7): one user per call, `{"users":[{first_name, last_name, email,
 * role, profile}]}` with role and profile ids. The user is added active but unconfirmed (Zoho
 * mails an invitation): 201 `{"users":[{"code":"SUCCESS","details":{"id"},"message":"User added"}]}`.
 * Refusals are 400 with the same envelope: MANDATORY_NOT_FOUND, INVALID_DATA (email, role,
 * profile), DUPLICATE_DATA (an address the org already has), LIMIT_EXCEEDED (more than one user).
 */
async function addUser(ctx: Ctx): Promise<void> {
  const body = await readJson(ctx);
  const list = body.users;
  const refuse = (code: string, message: string, details: Record<string, unknown>) => send(ctx, 400, { users: [{ code, details, message, status: 'error' }] });
  if (!Array.isArray(list) || !list.length) return refuse('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'users' });
  if (list.length > 1) return refuse('LIMIT_EXCEEDED', 'only one user can be added per request', { api_name: 'users', limit: 1 });
  const u = (list[0] ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof u[k] === 'string' ? (u[k] as string).trim() : '');
  for (const k of ['email', 'role', 'profile']) if (!str(k)) return refuse('MANDATORY_NOT_FOUND', 'required field not found', { api_name: k });
  if (!str('last_name') && !str('first_name')) return refuse('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'last_name' });
  const email = str('email').toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 100) return refuse('INVALID_DATA', 'invalid data', { api_name: 'email' });
  const role = ROLES.find((r) => r.id === str('role'));
  if (!role) return refuse('INVALID_DATA', 'invalid data', { api_name: 'role' });
  const profile = PROFILES.find((p) => p.id === str('profile'));
  if (!profile) return refuse('INVALID_DATA', 'invalid data', { api_name: 'profile' });
  const taken = await ctx.pool.query('select 1 from sandbox_zoho.users where lower(email) = $1', [email]);
  if (taken.rowCount) return refuse('DUPLICATE_DATA', 'duplicate data', { api_name: 'email' });
  const id = await newId(ctx.pool);
  const fullName = [str('first_name'), str('last_name')].filter(Boolean).join(' ');
  const added = await ctx.pool.query(
    `insert into sandbox_zoho.users (id, email, full_name, status, profile, role, confirm) values ($1,$2,$3,'active',$4,$5,false) on conflict (email) do nothing`,
    [id, email, fullName, profile.name, role.name],
  );
  if (!added.rowCount) return refuse('DUPLICATE_DATA', 'duplicate data', { api_name: 'email' });
  send(ctx, 201, { users: [{ code: 'SUCCESS', details: { id }, message: 'User added', status: 'success' }] });
}

export async function routeMetadata(ctx: Ctx, parts: string[]): Promise<boolean> {
  const m = ctx.method;
  ctx.credits = 1;
  if (parts[0] === 'users') {
    if (m === 'GET' && parts.length === 1) return (await (users(ctx)), true);
    if (m === 'GET' && parts.length === 2) return (await (users(ctx, parts[1])), true);
    if (m === 'POST' && parts.length === 1) return (await addUser(ctx), true);
    if (m === 'GET' && parts[1] === 'actions' && parts[2] === 'count') {
      const { rows } = await ctx.pool.query(`select count(*)::int as n from sandbox_zoho.users where status <> 'deleted'`);
      return (await (send(ctx, 200, { count: rows[0].n })), true);
    }
    return false;
  }
  if (parts[0] === 'org' && m === 'GET') {
    const { rows } = await ctx.pool.query(`select count(*)::int as n from sandbox_zoho.users where status = 'active'`);
    send(ctx, 200, {
      org: [
        {
          id: `${ORG_PREFIX}000000000001`,
          zgid: ORG_ZGID,
          company_name: 'Sandbox Org',
          primary_email: ctx.apiUser.email,
          time_zone: 'Etc/UTC',
          currency: 'US Dollar - USD',
          iso_code: 'USD',
          country_code: 'US',
          license_details: { paid_type: ctx.org.edition, paid: ctx.org.edition !== 'free', users_license_purchased: rows[0].n, paid_expiry: null, trial_type: null },
          max_per_page: 200,
          type: 'sandbox',
        },
      ],
    });
    return true;
  }
  if (parts[0] !== 'settings') return false;
  const [, res, sub] = parts;
  if (res === 'modules') {
    if (m === 'GET' && !sub) return (await (send(ctx, 200, { modules: await moduleList(ctx) })), true);
    if (m === 'GET' && sub) {
      const mod = (await moduleList(ctx)).find((x) => x.api_name === sub);
      if (!mod) throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 2 });
      return (await (send(ctx, 200, { modules: [mod] })), true);
    }
    if (m === 'POST' && !sub) return (await (createModule(ctx)), true);
  }
  if (res === 'fields') {
    const mod = await moduleParam(ctx);
    if (m === 'GET' && !sub) return (await (send(ctx, 200, { fields: [...mod.fields.values()].map((f) => fieldOut(f, mod)) })), true);
    if (m === 'GET' && sub) {
      const f = [...mod.fields.values()].find((x) => x.id === sub || x.api_name === sub);
      if (!f) return (await (send(ctx, 204)), true);
      return (await (send(ctx, 200, { fields: [fieldOut(f, mod)] })), true);
    }
    if (m === 'POST' && !sub) return (await (createFields(ctx, mod)), true);
    if (m === 'PATCH' || m === 'PUT') return (await (updateFields(ctx, mod, sub)), true);
  }
  if (res === 'layouts' && m === 'GET') {
    const mod = await moduleParam(ctx);
    const required = new Set([...[...mod.fields.values()].filter((f) => f.system_mandatory).map((f) => f.api_name), ...(ctx.org.mandatory[mod.api_name] ?? [])]);
    send(ctx, 200, {
      layouts: [
        {
          id: `${mod.id}1`,
          name: 'Standard',
          api_name: 'Standard__s',
          status: 'active',
          profiles: PROFILES.map((p) => ({ name: p.name, id: p.id, default: true })),
          sections: [{ api_name: 'Record_Information', display_label: 'Information', fields: [...mod.fields.values()].map((f) => ({ api_name: f.api_name, id: f.id, required: required.has(f.api_name) })) }],
        },
      ],
    });
    return true;
  }
  if (res === 'related_lists' && m === 'GET') {
    const mod = await moduleParam(ctx);
    const lists = ['Notes', 'Attachments'].map((r, i) => ({ id: `${mod.id}${i + 2}`, api_name: r, display_label: r, module: { api_name: r, id: null }, href: `${mod.api_name}/{id}/${r}`, type: 'default' }));
    return (await (send(ctx, 200, { related_lists: lists })), true);
  }
  if (res === 'roles' && m === 'GET') {
    const list = ROLES.filter((r) => !sub || r.id === sub).map((r) => ({
      id: r.id,
      name: r.name,
      display_label: r.name,
      reporting_to: r.reporting_to ? { name: ROLES.find((x) => x.id === r.reporting_to)!.name, id: r.reporting_to } : null,
      share_with_peers: true,
      description: null,
      admin_user: r.name === 'CEO',
    }));
    return (await (send(ctx, list.length ? 200 : 204, list.length ? { roles: list } : undefined)), true);
  }
  if (res === 'profiles' && m === 'GET') {
    const list = PROFILES.filter((p) => !sub || p.id === sub).map((p) => ({ ...p, display_label: p.name, description: null, type: 'normal_profile', created_time: null, modified_time: null }));
    return (await (send(ctx, list.length ? 200 : 204, list.length ? { profiles: list } : undefined)), true);
  }
  if (res === 'tags') {
    const mod = await moduleParam(ctx);
    if (m === 'GET') {
      const { rows } = await ctx.pool.query('select name, id from sandbox_zoho.tags where module = $1 order by name', [mod.api_name]);
      return (await (send(ctx, 200, { tags: rows.map((r) => ({ ...r, color_code: null, created_time: zohoTime() })), info: { count: rows.length, allowed_count: 100 } })), true);
    }
    if (m === 'POST') {
      const body = await readJson(ctx);
      const { ensureTag } = await import('./records.ts');
      const out = [];
      for (const t of (body.tags ?? []) as { name?: string }[]) {
        const r = await ensureTag(ctx.pool, mod.api_name, { name: t.name });
        out.push(typeof r === 'string' ? { code: 'INVALID_DATA', details: { api_name: 'name' }, message: r, status: 'error' } : { code: 'SUCCESS', details: { id: r.id }, message: 'tags created successfully', status: 'success' });
      }
      return (await (send(ctx, 201, { tags: out })), true);
    }
  }
  return false;
}
