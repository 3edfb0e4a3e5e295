/**
 * A pipeline definition: a source, a destination, and the destination objects in load order.
 * This is the whole public surface a pipeline definition uses.
 */
import type { SourceConnector } from './source.ts';
import type { DestinationFactory } from './destination.ts';

export interface LoadObject {
  /** Object name used in etl tables and reports (e.g. `leads`, `call_tasks`). */
  name: string;
  /** Destination module (Zoho API name, Nutshell entity type). */
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
}

export interface PipelineDefinition {
  /** CLI name, e.g. `leadtrekker-to-zoho`. */
  name: string;
  source: SourceConnector;
  destination: DestinationFactory;
  /** Folder of the definition (value maps live in maps/ under it). */
  dir: string;
  objects: LoadObject[];
}

/** Schema of a pipeline's destination-shaped views: `leadtrekker-to-zoho` -> `leadtrekker_to_zoho`. */
export const pipelineSchema = (p: { name: string }) => p.name.replace(/-/g, '_');

/** Schemas whose models a pipeline builds. */
export function modelSchemas(p: PipelineDefinition): string[] {
  const ps = pipelineSchema(p);
  return [`stg_${p.source.name}`, `dq_${p.source.name}`, ps, `dq_${ps}`];
}

export const viewOf = (p: PipelineDefinition, o: LoadObject) => `${pipelineSchema(p)}.${o.view ?? o.name}`;
