/**
 * A pipeline definition: a source, a destination, and the destination objects in load order.
 * This is the whole public surface a pipeline definition uses.
 */
import type { SourceConnector } from './source.ts';
import type { DestinationFactory } from './destination.ts';
import type { Step } from './steps/context.ts';
import type { StepInfo } from './steps/catalog.ts';

export interface LoadObject {
  /** Object name used in etl tables and reports (e.g. `leads`, `call_tasks`). */
  name: string;
  /** Destination module (its API name or entity type). */
  module: string;
  /** The destination-shaped view (`<pipeline_schema>.<view>`); defaults to the object name. */
  view?: string;
  /**
   * Lookup fields: the view column holds the referenced record's source_key; the loader
   * replaces it with the destination id from etl.id_map of the named object(s).
   */
  lookups?: Record<string, string | string[]>;
  /** Column holding the owner's source email (resolved through the users step). */
  owner?: string;
  /** Raw table / stg model counted as "extracted" for this object's conservation check. */
  sourceCount?: string;
  /**
   * An attachments object: each row is one file under the export folder's files/ dir, uploaded
   * to the record its `parent` lookup field names (a key of `lookups`). Files above the
   * destination's limit are queued (kind 'attachment_oversize') for manual hand-off.
   */
  attachment?: { pathColumn: string; fileNameColumn: string; contentTypeColumn?: string; parent: string };
}

export interface PipelineDefinition {
  /** CLI name, `<source>-to-<destination>`. */
  name: string;
  source: SourceConnector;
  destination: DestinationFactory;
  /** Folder of the definition (value maps live in maps/ under it). */
  dir: string;
  objects: LoadObject[];
  /** What the destination must have before data moves (created by `setup` or checklisted). */
  schema?: SchemaRequirements;
  /** Steps only this pipeline has (e.g. an optional `convert` of leads). */
  steps?: Record<string, Step>;
  /** Help line and flags of each pipeline-specific step (a step not listed takes no flags). */
  stepInfo?: Record<string, StepInfo>;
  /** Destination module for the custom fields of each raw object (e.g. `{ leads: 'Leads' }`), used by `discover`. */
  customFieldTargets?: Record<string, string>;
  /** Export files whose contents will not migrate (triggers, workflows, reports...), inventoried by `discover`. */
  notMigrated?: { file: string; what: string; why: string }[];
}

export type FieldType =
  | 'text' | 'textarea' | 'integer' | 'bigint' | 'double' | 'currency' | 'percent' | 'date' | 'datetime'
  | 'boolean' | 'picklist' | 'multiselectpicklist' | 'email' | 'phone' | 'website' | 'lookup';

/** A field the destination must have. */
export interface FieldRequirement {
  module: string;
  /** API name as the loader writes it (the view's column name). */
  field: string;
  label: string;
  type: FieldType;
  length?: number;
  /** Picklists: SQL returning one text column: every value the data uses (all must exist). */
  valuesFrom?: string;
  lookupModule?: string;
}

export interface SchemaRequirements {
  /** Custom fields to create (or verify) before the load. */
  fields?: FieldRequirement[];
  /** Standard picklists to extend with every value the data uses. */
  picklists?: { module: string; field: string; valuesFrom: string }[];
  /** Custom modules that must exist (created through the API where allowed, else checklisted). */
  modules?: { apiName: string; label: string; fields: FieldRequirement[] }[];
}

/** Schema of a pipeline's destination-shaped views: `<source>-to-<destination>` -> `<source>_to_<destination>`. */
export const pipelineSchema = (p: { name: string }) => p.name.replace(/-/g, '_');

/** Schemas whose models a pipeline builds. */
export function modelSchemas(p: PipelineDefinition): string[] {
  const ps = pipelineSchema(p);
  return [`stg_${p.source.name}`, `dq_${p.source.name}`, ps, `dq_${ps}`];
}

export const viewOf = (p: PipelineDefinition, o: LoadObject) => `${pipelineSchema(p)}.${o.view ?? o.name}`;
