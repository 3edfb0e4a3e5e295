/**
 * The proposed custom-field mapping: each custom column of a raw table to a destination field
 * and type, by the seed's rule (text -> Single Line, long text -> Multi Line, number -> Numeric,
 * date -> Date, checkbox -> Checkbox, picklist -> Picklist), with the reason for each row.
 */
import { mappingHeaderKey, type CustomFieldMapping, type InferredType } from '../custom-fields.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import type { CustomFieldConventions, DestinationField } from '../destination.ts';
import type { ColumnProfile } from './profile.ts';
import { definedType, type CustomFieldDefinition } from './definitions.ts';

/**
 * Without a destination's own conventions: the header is the name and the label, types are
 * the mapping file's vocabulary as inferred, names compare without case.
 */
const GENERIC: CustomFieldConventions = {
  type: (c) => {
    const t = ({ long_text: 'textarea', number: c.integers ? 'integer' : 'double', checkbox: 'boolean' } as Record<string, string>)[c.inferred_type] ?? c.inferred_type;
    return { type: t, why: t };
  },
  name: (header, column) => header.replace(/\s+/g, ' ').trim() || column,
  label: (header, name) => header.replace(/\s+/g, ' ').trim() || name,
  key: (s) => s.replace(/\s+/g, ' ').trim().toLowerCase(),
  numbered: (name, n) => `${name} ${n}`,
};

/** The destination module of a raw object: the pipeline's customFieldTargets, else a load object of that name. */
export function targetModule(pipeline: PipelineDefinition, object: string): string {
  return pipeline.customFieldTargets?.[object] ?? pipeline.objects.find((o) => o.name === object)?.module ?? '';
}

/** The field types a mapping names (the types lib.custom_value reads). */
const MAPPING_TYPES = new Set(['text', 'textarea', 'integer', 'bigint', 'double', 'decimal', 'currency', 'percent', 'date', 'datetime', 'boolean', 'picklist', 'multiselectpicklist', 'email', 'phone', 'website']);

/** A column (or a definition without one) to propose a field for. */
type Candidate = Pick<ColumnProfile, 'object' | 'column_name' | 'header' | 'inferred_type' | 'integers' | 'money' | 'distinct_count' | 'evidence'>;

/** What discover knows of the destination when it proposes. */
export interface ProposalContext {
  /** The destination's conventions (Destination.customFields); absent: generic ones. */
  conventions?: CustomFieldConventions;
  /** Destination name, for the reasons written beside each row. */
  destination?: string;
  /** The fields each target module already has (standard and custom), read from the destination's metadata. */
  existing?: Map<string, DestinationField[]>;
  /** The export's own custom-field definitions (SourceConnector.customFieldDefinitions). */
  definitions?: CustomFieldDefinition[];
  /** Fields the pipeline itself writes or creates (its schema, the idempotency field, confirmed rows of the mapping): never reused for another custom column. */
  reserved?: Set<string>;
}

/**
 * The proposal: one row per custom column, named and typed by the destination's conventions.
 * A name the destination counts as a field the module already has is not proposed as a new
 * field (the destination would refuse it as a duplicate): a custom field nobody else
 * writes is reused as it is (its type too); a standard field, or one the pipeline writes
 * itself, gets a numbered name instead. Two columns whose names clash with each other (a
 * header repeated, `REGION` and `Region`) get numbered names too.
 */
export function proposeMapping(pipeline: PipelineDefinition, profiles: ColumnProfile[], ctx: ProposalContext = {}): CustomFieldMapping[] {
  const conv = ctx.conventions ?? GENERIC;
  const dest = ctx.destination ?? pipeline.destination.name;
  // Names taken per module, by the destination's key: by an existing field or an earlier row.
  const taken = new Map<string, Map<string, { field?: DestinationField; row?: boolean }>>();
  const takenIn = (module: string) => {
    if (!taken.has(module)) {
      const m = new Map<string, { field?: DestinationField; row?: boolean }>();
      for (const f of ctx.existing?.get(module) ?? []) {
        m.set(conv.key(f.apiName), { field: f });
        if (f.label) m.set(conv.key(f.label), { field: f });
      }
      // the pipeline's own fields are taken before setup has created them
      for (const r of ctx.reserved ?? [])
        if (r.startsWith(`${module}.`) && !m.has(conv.key(r.slice(module.length + 1)))) m.set(conv.key(r.slice(module.length + 1)), { field: { apiName: r.slice(module.length + 1), type: '', custom: true } });
      taken.set(module, m);
    }
    return taken.get(module)!;
  };
  // The columns to propose: every custom column (typed as the export's definition says, when
  // it has one), then every definition this export has no column for.
  const defKey = (object: string, header: string) => `${object}\u0000${mappingHeaderKey(header)}`;
  const defs = new Map((ctx.definitions ?? []).map((d) => [defKey(d.object, d.header), d]));
  const describe = (d: CustomFieldDefinition) => `defined in ${d.file}.csv line ${d.line} as ${d.type || '(no type)'}${d.options.length ? ` with options ${d.options.join(' | ')}` : ''}`;
  const columns: Candidate[] = profiles
    .filter((p) => p.is_custom)
    .map((p) => {
      const d = defs.get(defKey(p.object, p.header));
      const t = d && definedType(d.type);
      if (!d || !t) return p;
      // a picklist with neither options nor values cannot be created (no destination takes one without choices)
      if (t.inferred === 'picklist' && !d.options.length && !p.distinct_count) return { ...p, evidence: `${describe(d)} with no options, and no values in this export (values: ${p.evidence})` };
      return { ...p, inferred_type: t.inferred, money: !!t.money, integers: false, evidence: `${describe(d)} (values: ${p.evidence})` };
    });
  const have = new Set(profiles.map((p) => defKey(p.object, p.header)));
  for (const d of ctx.definitions ?? []) {
    if (have.has(defKey(d.object, d.header))) continue;
    let t: { inferred: InferredType; money?: boolean } = definedType(d.type) ?? { inferred: 'text' };
    // a picklist with no options cannot be created (no destination takes one without choices): text
    if (t.inferred === 'picklist' && !d.options.length) t = { inferred: 'text' };
    columns.push({
      object: d.object,
      column_name: '',
      header: d.header,
      inferred_type: t.inferred,
      integers: false,
      money: !!t.money,
      distinct_count: d.options.length,
      evidence: `${describe(d)}; no column in this export (proposed so that the field exists for the people who fill it in after the move)${t.inferred === 'text' && definedType(d.type)?.inferred === 'picklist' ? '; a picklist without options cannot be created, so text' : ''}`,
    });
  }
  return columns.map((p) => {
      const target = targetModule(pipeline, p.object);
      // a module the destination cannot give custom fields: proposed unmapped, with why
      const unsupported = !!(conv.modules && target && !conv.modules.includes(target));
      const module = unsupported ? '' : target;
      let t = conv.type({ header: p.header, column: p.column_name, inferred_type: p.inferred_type, integers: p.integers, money: p.money, distinct_count: p.distinct_count }, module);
      let field = conv.name(p.header, p.column_name);
      let note = '';
      if (module) {
        const names = takenIn(module);
        const clash = names.get(conv.key(field));
        const reusable = clash?.field && clash.field.custom && !ctx.reserved?.has(`${module}.${clash.field.apiName}`);
        if (clash && reusable && !clash.row) {
          field = clash.field!.apiName;
          // typed as that field is, when its type is one the mapping file names
          const own = clash.field!.type.toLowerCase();
          if (MAPPING_TYPES.has(own)) t = { type: own, why: `the ${dest} custom field ${field} already there (${clash.field!.type})` };
          note = `; ${module} already has the custom field ${field}: mapped onto it`;
        } else if (clash) {
          const was = field;
          let n = 2;
          while (names.has(conv.key(conv.numbered(was, n)))) n++;
          field = conv.numbered(was, n);
          note = clash.field && ctx.reserved?.has(`${module}.${clash.field.apiName}`)
            ? `; the pipeline already writes ${module}.${clash.field.apiName} (its schema, or a confirmed row of the mapping), which ${dest} counts as the same name: proposed as ${field}`
            : clash.field
            ? `; ${module} already has ${clash.field.custom ? 'the field' : 'the standard field'} ${clash.field.apiName}${clash.field.label && clash.field.label !== clash.field.apiName ? ` ("${clash.field.label}")` : ''}, which ${dest} counts as the same name: proposed as ${field} (map it to ${clash.field.apiName} instead if it holds the same thing)`
            : `; another column of the export is already proposed as ${was}: proposed as ${field}`;
        }
        names.set(conv.key(field), { row: true, field: names.get(conv.key(field))?.field });
      }
      const where = unsupported
        ? `; ${dest} has custom fields on ${conv.modules!.join(', ')} only, not ${target}: not migrated unless you map it to one of those (fill in module and field)`
        : module
          ? note
          : `; no destination module for raw object "${p.object}": fill in module and field (${field} would do), or set customFieldTargets in the pipeline`;
      return {
        object: p.object,
        source_column: p.column_name,
        source_header: p.header,
        inferred_type: p.inferred_type,
        module,
        // no module, no field: a row without one writes nothing (the views bind rows by field)
        field: module ? field : '',
        field_type: t.type,
        confirmed: false,
        reason: `${p.inferred_type}: ${p.evidence} -> ${t.why}${where}`,
      };
  });
}

/**
 * Merge a new proposal with the file a person may have edited: confirmed rows are kept as
 * they are; unconfirmed rows are replaced by the new proposal; a confirmed row whose column is
 * gone from the export is kept (and reported), an unconfirmed one is dropped.
 *
 * Rows are matched by the header as written (mappingHeaderKey), never by the derived column
 * name: when a new column takes the name a confirmed one had (`Budget ZAR` lands as `budget_zar`
 * and the confirmed `Budget (ZAR)` moves to `budget_zar_2`), the confirmed row stays with its
 * header (its source_column updated to where that header now lands) and the new column gets a
 * proposal of its own, to confirm. Every confirmed row of a header is kept (one column may feed
 * several modules).
 */
export function mergeMappings(existing: CustomFieldMapping[], proposed: CustomFieldMapping[]): { rows: CustomFieldMapping[]; gone: CustomFieldMapping[] } {
  const key = (r: CustomFieldMapping) => `${r.object}\u0000${mappingHeaderKey(r.source_header, r.source_column)}`;
  // Every confirmed row of a header is kept (one column may feed several modules).
  const confirmed = new Map<string, CustomFieldMapping[]>();
  for (const r of existing) if (r.confirmed) confirmed.set(key(r), [...(confirmed.get(key(r)) ?? []), r]);
  // Two headers that compare equal (`Region` and `REGION `, a header repeated) are two columns:
  // each keeps the confirmed rows written with its own spelling; rows of neither spelling go to
  // the first of them only, never to both.
  const exact = (h: string) => h.replace(/\s+/g, ' ').trim();
  const given = new Set<string>();
  const rows = proposed.flatMap((p) => {
    const all = confirmed.get(key(p));
    if (!all) return [p];
    const same = all.filter((o) => exact(o.source_header) === exact(p.source_header));
    const spelled = new Set(proposed.filter((q) => key(q) === key(p)).map((q) => exact(q.source_header)));
    const mine = same.length ? same : given.has(key(p)) ? [] : all.filter((o) => !spelled.has(exact(o.source_header)));
    given.add(key(p));
    return mine.length ? mine.map((o) => ({ ...o, source_column: p.source_column })) : [p];
  });
  const seen = new Set(proposed.map(key));
  const gone = existing.filter((r) => r.confirmed && !seen.has(key(r)));
  return { rows: [...rows, ...gone], gone };
}
