/** ServiceTracker (field service) -> Zoho CRM (seed 002). Mapping decisions: README.md beside this file. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldRequirement, LoadObject, PipelineDefinition } from '../../engine/pipeline.ts';
import { servicetracker } from '../../connectors/sources/servicetracker/index.ts';
import { zohoDestination } from '../../connectors/destinations/zoho/index.ts';
import sandboxSeed from './sandbox-seed.json' with { type: 'json' };

const dir = path.dirname(fileURLToPath(import.meta.url));
const S = 'servicetracker_to_zoho';

/**
 * Accounts are loaded twice: first without Primary_Contact (contacts need their Account to
 * exist), then again after contacts, when the view's Primary_Contact column resolves (it is
 * filled only for contacts already in etl.id_map). The second pass is an update of the changed
 * field only; on a re-run both passes find the same payload hash and write nothing.
 */
const accounts: LoadObject = { name: 'accounts', module: 'Accounts', lookups: { Primary_Contact: 'contacts' } };
// (No sourceCount: clients repeated under a variant spelling merge into one Account, so fewer
// Accounts than clients is expected; dq_servicetracker.duplicate_clients lists each merge.)

/** Activities link the Deal (What_Id), its Account, the technician's Contact (Who_Id) and the Asset. */
const activityLookups = { What_Id: 'deals', Related_Account: 'accounts', Who_Id: 'technicians', Asset: 'assets' };

const f = (module: string, field: string, label: string, type: FieldRequirement['type'], extra: Partial<FieldRequirement> = {}): FieldRequirement => ({
  module,
  field,
  label,
  type,
  ...extra,
});

export const servicetrackerToZoho: PipelineDefinition = {
  name: 'servicetracker-to-zoho',
  source: servicetracker,
  destination: zohoDestination({ sandboxSeed: sandboxSeed as { users: { email: string; full_name: string }[] } }),
  dir,
  // Seed load order: accounts; contacts and technicians; (accounts' primary contact); deals;
  // contracts and assets; products and deal parts; tasks and events; files.
  objects: [
    accounts,
    { name: 'contacts', module: 'Contacts', owner: 'Owner', lookups: { Account_Name: 'accounts' }, sourceCount: 'stg_servicetracker.contacts' },
    { name: 'technicians', module: 'Contacts', owner: 'Owner', sourceCount: 'stg_servicetracker.technicians' },
    accounts,
    {
      name: 'deals',
      module: 'Deals',
      owner: 'Owner',
      lookups: { Account_Name: 'accounts', Technician: 'technicians' },
      sourceCount: 'stg_servicetracker.work_orders',
    },
    { name: 'service_contracts', module: 'Service_Contracts', lookups: { Account: 'accounts' }, sourceCount: 'stg_servicetracker.contracts' },
    { name: 'assets', module: 'Assets', lookups: { Account: 'accounts' }, sourceCount: 'stg_servicetracker.assets' },
    { name: 'products', module: 'Products', sourceCount: 'stg_servicetracker.parts' },
    { name: 'deal_parts', module: 'Deal_Parts', lookups: { Deal: 'deals', Product: 'products' }, sourceCount: 'stg_servicetracker.work_order_parts' },
    { name: 'tasks', module: 'Tasks', owner: 'Owner', lookups: activityLookups },
    { name: 'events', module: 'Events', owner: 'Owner', lookups: activityLookups },
    {
      name: 'attachments',
      module: 'Attachments',
      lookups: { Parent_Id: 'deals' },
      attachment: { pathColumn: 'File_Path', fileNameColumn: 'File_Name', contentTypeColumn: 'Content_Type', parent: 'Parent_Id' },
      sourceCount: 'stg_servicetracker.attachments',
    },
  ],
  // discover proposes each export file's custom columns as fields of the module its records
  // load to (the views carry them in _custom). service_history feeds both Tasks and Events: its
  // custom columns are proposed unmapped, for a person to choose.
  customFieldTargets: { clients: 'Accounts', work_orders: 'Deals', contracts: 'Service_Contracts', parts: 'Products', work_order_parts: 'Deal_Parts' },
  schema: {
    fields: [
      f('Accounts', 'Primary_Contact', 'Primary Contact', 'lookup', { lookupModule: 'Contacts' }),
      f('Accounts', 'Primary_Contact_Email', 'Primary Contact Email', 'email'),
      f('Accounts', 'ST_Client_ID', 'ServiceTracker Client ID', 'text', { length: 30 }),
      f('Contacts', 'Technician_Flag', 'Technician', 'boolean'),
      f('Contacts', 'Territory', 'Territory', 'text', { length: 100 }),
      f('Contacts', 'Work_Schedule', 'Work Schedule', 'text', { length: 100 }),
      f('Contacts', 'Technician_Active', 'Technician Active', 'boolean'),
      f('Contacts', 'ST_Contact_ID', 'ServiceTracker Contact ID', 'text', { length: 30 }),
      f('Contacts', 'ST_Technician_ID', 'ServiceTracker Technician ID', 'text', { length: 30 }),
      f('Deals', 'Work_Order_Number', 'Work Order Number', 'text', { length: 50 }),
      f('Deals', 'Service_Type', 'Service Type', 'picklist', { valuesFrom: `select distinct "Service_Type" from ${S}.deals where "Service_Type" is not null` }),
      f('Deals', 'ST_Status', 'ServiceTracker Status', 'text', { length: 50 }),
      f('Deals', 'Technician', 'Technician', 'lookup', { lookupModule: 'Contacts' }),
      f('Deals', 'Labor_Hours', 'Labor Hours', 'double'),
      f('Deals', 'Scheduled_Start', 'Scheduled Start', 'datetime'),
      f('Deals', 'Completed_At', 'Completed At', 'datetime'),
      f('Deals', 'Oversize_Attachments', 'Oversize Attachments', 'textarea'),
      f('Deals', 'ST_Work_Order_ID', 'ServiceTracker Work Order ID', 'text', { length: 30 }),
      f('Products', 'Inventory_Qty', 'Inventory Qty', 'integer'),
      f('Tasks', 'Task_Type', 'Task Type', 'picklist', { valuesFrom: `select distinct "Task_Type" from ${S}.tasks` }),
      f('Tasks', 'ST_Original_Time', 'ServiceTracker Original Time', 'datetime'),
      f('Tasks', 'Related_Account', 'Account', 'lookup', { lookupModule: 'Accounts' }),
      f('Tasks', 'Asset', 'Asset', 'lookup', { lookupModule: 'Assets' }),
      f('Tasks', 'ST_Entry_ID', 'ServiceTracker Entry ID', 'text', { length: 30 }),
      f('Events', 'Related_Account', 'Account', 'lookup', { lookupModule: 'Accounts' }),
      f('Events', 'Asset', 'Asset', 'lookup', { lookupModule: 'Assets' }),
      f('Events', 'ST_Entry_ID', 'ServiceTracker Entry ID', 'text', { length: 30 }),
    ],
    picklists: [
      // Every stage the data uses must exist before deals load (seed 002).
      { module: 'Deals', field: 'Stage', valuesFrom: `select distinct "Stage" from ${S}.deals where "Stage" is not null` },
      { module: 'Tasks', field: 'Status', valuesFrom: `select distinct "Status" from ${S}.tasks` },
    ],
    modules: [
      {
        apiName: 'Service_Contracts',
        label: 'Service Contracts',
        fields: [
          f('Service_Contracts', 'Contract_Type', 'Contract Type', 'picklist', { valuesFrom: `select distinct "Contract_Type" from ${S}.service_contracts where "Contract_Type" is not null` }),
          f('Service_Contracts', 'Start_Date', 'Start Date', 'date'),
          f('Service_Contracts', 'End_Date', 'End Date', 'date'),
          f('Service_Contracts', 'Monthly_Value', 'Monthly Value', 'currency'),
          f('Service_Contracts', 'Contract_Status', 'Contract Status', 'picklist', { valuesFrom: `select distinct "Contract_Status" from ${S}.service_contracts where "Contract_Status" is not null` }),
          f('Service_Contracts', 'Account', 'Account', 'lookup', { lookupModule: 'Accounts' }),
          f('Service_Contracts', 'Source_System_ID', 'Source System ID', 'text', { length: 30 }),
        ],
      },
      {
        apiName: 'Assets',
        label: 'Assets',
        fields: [
          f('Assets', 'Serial_Number', 'Serial Number', 'text', { length: 100 }),
          f('Assets', 'Model', 'Model', 'text', { length: 100 }),
          f('Assets', 'Warranty_Expiry', 'Warranty Expiry', 'date'),
          f('Assets', 'Location_Street', 'Location Street', 'text', { length: 250 }),
          f('Assets', 'Location_City', 'Location City', 'text', { length: 100 }),
          f('Assets', 'Location_State', 'Location State', 'text', { length: 100 }),
          f('Assets', 'Location_Zip', 'Location Zip', 'text', { length: 30 }),
          f('Assets', 'Account', 'Account', 'lookup', { lookupModule: 'Accounts' }),
          f('Assets', 'Source_System_ID', 'Source System ID', 'text', { length: 30 }),
        ],
      },
      {
        apiName: 'Deal_Parts',
        label: 'Deal Parts',
        fields: [
          f('Deal_Parts', 'Deal', 'Deal', 'lookup', { lookupModule: 'Deals' }),
          f('Deal_Parts', 'Product', 'Product', 'lookup', { lookupModule: 'Products' }),
          f('Deal_Parts', 'Part_Number', 'Part Number', 'text', { length: 50 }),
          f('Deal_Parts', 'Quantity', 'Quantity', 'double'),
          f('Deal_Parts', 'Unit_Price', 'Unit Price', 'currency'),
          f('Deal_Parts', 'Line_Total', 'Line Total', 'currency'),
        ],
      },
    ],
  },
};
