/**
 * The stock modules and fields a new sandbox org starts with (reference §5), with data types,
 * lengths, default picklist options, system-mandatory flags and duplicate-check fields.
 */
export interface FieldDef {
  api_name: string;
  label?: string;
  type: string;
  length?: number;
  mandatory?: boolean;
  readOnly?: boolean;
  unique?: boolean;
  lookup?: string;
  picklist?: string[];
  strictPicklist?: boolean;
  textareaType?: string;
}

export interface ModuleDef {
  api_name: string;
  singular?: string;
  plural?: string;
  duplicateCheck?: string;
  apiSupported?: boolean;
  fields: FieldDef[];
}

const t = (api_name: string, length = 255, extra: Partial<FieldDef> = {}): FieldDef => ({ api_name, type: 'text', length, ...extra });
const pl = (api_name: string, picklist: string[], extra: Partial<FieldDef> = {}): FieldDef => ({ api_name, type: 'picklist', picklist, length: 120, ...extra });
const f = (api_name: string, type: string, extra: Partial<FieldDef> = {}): FieldDef => ({ api_name, type, ...extra });
const desc = f('Description', 'textarea', { length: 32000, textareaType: 'large' });
const owner = f('Owner', 'ownerlookup');
const system: FieldDef[] = [
  f('Created_Time', 'datetime', { readOnly: true }),
  f('Modified_Time', 'datetime', { readOnly: true }),
  f('Created_By', 'ownerlookup', { readOnly: true }),
  f('Modified_By', 'ownerlookup', { readOnly: true }),
  f('Tag', 'text', { length: 2000 }),
];
const industries = ['-None-', 'ASP (Application Service Provider)', 'Data/Telecom OEM', 'ERP (Enterprise Resource Planning)', 'Government/Military', 'Large Enterprise', 'Management ISV', 'MSP (Management Service Provider)', 'Network Equipment Enterprise', 'Non-management ISV', 'Optical Networking', 'Service Provider', 'Small/Medium Enterprise', 'Storage Equipment', 'Storage Service Provider', 'Systems Integrator', 'Wireless Industry'];
const leadSources = ['-None-', 'Advertisement', 'Cold Call', 'Employee Referral', 'External Referral', 'Online Store', 'Partner', 'Public Relations', 'Sales Email Alias', 'Seminar Partner', 'Internal Seminar', 'Trade Show', 'Web Download', 'Web Research', 'Chat'];
const salutations = ['-None-', 'Mr.', 'Mrs.', 'Ms.', 'Dr.', 'Prof.'];
export const DEAL_STAGES = ['Qualification', 'Needs Analysis', 'Value Proposition', 'Identify Decision Makers', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost', 'Closed Lost to Competition'];
const address = (p: string, zip = 'Zip') => [t(`${p}_Street`, 250), t(`${p}_City`, 100), t(`${p}_State`, 100), t(`${p}_${zip}`, 30), t(`${p}_Country`, 100)];

/** The fields a lead and a contact both start with, in this order. */
const person = [
  t('Last_Name', 80, { mandatory: true }),
  t('First_Name', 40),
  pl('Salutation', salutations),
  f('Full_Name', 'text', { readOnly: true, length: 255 }),
  f('Email', 'email', { length: 100 }),
  f('Secondary_Email', 'email', { length: 100 }),
  f('Phone', 'phone', { length: 30 }),
  f('Mobile', 'phone', { length: 30 }),
];

export const DEFAULT_MODULES: ModuleDef[] = [
  {
    api_name: 'Leads',
    singular: 'Lead',
    duplicateCheck: 'Email',
    fields: [
      ...person,
      f('Fax', 'phone', { length: 30 }),
      t('Company', 200),
      t('Designation', 100),
      f('Website', 'website', { length: 255 }),
      pl('Industry', industries),
      f('Annual_Revenue', 'currency', { length: 16 }),
      f('No_of_Employees', 'integer', { length: 9 }),
      pl('Lead_Source', leadSources),
      pl('Lead_Status', ['-None-', 'Attempted to Contact', 'Contact in Future', 'Contacted', 'Junk Lead', 'Lost Lead', 'Not Contacted', 'Pre-Qualified', 'Not Qualified']),
      pl('Rating', ['-None-', 'Acquired', 'Active', 'Market Failed', 'Project Cancelled', 'Shut Down']),
      f('Email_Opt_Out', 'boolean'),
      t('Skype_ID', 50),
      t('Twitter', 50),
      t('Street', 250),
      t('City', 100),
      t('State', 100),
      t('Zip_Code', 30),
      t('Country', 100),
      desc,
      owner,
      f('Converted__s', 'boolean', { readOnly: true }),
      f('Converted_Date_Time', 'datetime', { readOnly: true }),
      f('Last_Activity_Time', 'datetime', { readOnly: true }),
      ...system,
    ],
  },
  {
    api_name: 'Contacts',
    singular: 'Contact',
    duplicateCheck: 'Email',
    fields: [
      ...person,
      f('Home_Phone', 'phone', { length: 30 }),
      f('Other_Phone', 'phone', { length: 30 }),
      f('Fax', 'phone', { length: 30 }),
      t('Title', 100),
      t('Department', 100),
      f('Account_Name', 'lookup', { lookup: 'Accounts' }),
      f('Reporting_To', 'lookup', { lookup: 'Contacts' }),
      pl('Lead_Source', leadSources),
      f('Date_of_Birth', 'date'),
      t('Assistant', 100),
      f('Email_Opt_Out', 'boolean'),
      ...address('Mailing'),
      ...address('Other'),
      desc,
      owner,
      ...system,
    ],
  },
  {
    api_name: 'Accounts',
    singular: 'Account',
    duplicateCheck: 'Account_Name',
    fields: [
      t('Account_Name', 200, { mandatory: true }),
      f('Website', 'website', { length: 255 }),
      f('Phone', 'phone', { length: 30 }),
      f('Fax', 'phone', { length: 30 }),
      pl('Account_Type', ['-None-', 'Analyst', 'Competitor', 'Customer', 'Distributor', 'Integrator', 'Investor', 'Other', 'Partner', 'Press', 'Prospect', 'Reseller', 'Supplier', 'Vendor']),
      pl('Industry', industries),
      f('Annual_Revenue', 'currency', { length: 16 }),
      f('Employees', 'integer', { length: 9 }),
      pl('Ownership', ['-None-', 'Other', 'Private', 'Public', 'Subsidiary', 'Partnership', 'Government', 'Privately Held', 'Public Company']),
      pl('Rating', ['-None-', 'Acquired', 'Active', 'Market Failed', 'Project Cancelled', 'Shut Down']),
      f('SIC_Code', 'integer', { length: 9 }),
      t('Ticker_Symbol', 30),
      t('Account_Number', 40),
      t('Account_Site', 80),
      f('Parent_Account', 'lookup', { lookup: 'Accounts' }),
      ...address('Billing', 'Code'),
      ...address('Shipping', 'Code'),
      desc,
      owner,
      ...system,
    ],
  },
  {
    api_name: 'Deals',
    singular: 'Deal',
    duplicateCheck: 'Deal_Name',
    fields: [
      t('Deal_Name', 120, { mandatory: true }),
      pl('Stage', DEAL_STAGES, { mandatory: true }),
      f('Closing_Date', 'date'),
      f('Amount', 'currency', { length: 16 }),
      f('Probability', 'percent', { length: 3 }),
      f('Expected_Revenue', 'currency', { readOnly: true }),
      f('Account_Name', 'lookup', { lookup: 'Accounts' }),
      f('Contact_Name', 'lookup', { lookup: 'Contacts' }),
      pl('Type', ['-None-', 'Existing Business', 'New Business']),
      pl('Lead_Source', leadSources),
      t('Next_Step', 100),
      t('Pipeline', 120),
      desc,
      owner,
      ...system,
    ],
  },
  {
    api_name: 'Tasks',
    singular: 'Task',
    fields: [
      t('Subject', 300, { mandatory: true }),
      f('Due_Date', 'date'),
      pl('Status', ['Not Started', 'Deferred', 'In Progress', 'Completed', 'Waiting for input']),
      pl('Priority', ['Highest', 'High', 'Normal', 'Low', 'Lowest']),
      f('What_Id', 'multi_module_lookup'),
      f('Who_Id', 'lookup', { lookup: 'Contacts' }),
      f('Send_Notification_Email', 'boolean'),
      f('Closed_Time', 'datetime', { readOnly: true }),
      desc,
      owner,
      ...system,
    ],
  },
  {
    api_name: 'Calls',
    singular: 'Call',
    fields: [
      t('Subject', 300, { mandatory: true }),
      pl('Call_Type', ['Inbound', 'Outbound', 'Missed'], { mandatory: true, strictPicklist: true }),
      f('Call_Start_Time', 'datetime', { mandatory: true }),
      t('Call_Duration', 10),
      f('Call_Duration_in_seconds', 'integer', { readOnly: true }),
      pl('Outbound_Call_Status', ['Scheduled', 'Completed', 'Overdue', 'Cancelled'], { strictPicklist: true }),
      pl('Call_Purpose', ['-None-', 'Prospecting', 'Administrative', 'Negotiation', 'Demo', 'Project', 'Desk']),
      pl('Call_Result', ['-None-', 'Interested', 'Not interested', 'No response', 'Busy', 'Requested more info', 'Requested call back', 'Invalid number']),
      f('What_Id', 'multi_module_lookup'),
      f('Who_Id', 'lookup', { lookup: 'Contacts' }),
      desc,
      owner,
      ...system,
    ],
  },
  {
    api_name: 'Events',
    singular: 'Meeting',
    plural: 'Meetings',
    fields: [
      t('Event_Title', 255, { mandatory: true }),
      f('Start_DateTime', 'datetime', { mandatory: true }),
      f('End_DateTime', 'datetime', { mandatory: true }),
      f('All_day', 'boolean'),
      t('Venue', 255),
      f('What_Id', 'multi_module_lookup'),
      f('Who_Id', 'lookup', { lookup: 'Contacts' }),
      f('Participants', 'multiselectlookup'),
      desc,
      owner,
      ...system,
    ],
  },
  {
    api_name: 'Notes',
    singular: 'Note',
    fields: [
      t('Note_Title', 120),
      f('Note_Content', 'textarea', { length: 32000, textareaType: 'large' }),
      f('Parent_Id', 'multi_module_lookup'),
      owner,
      ...system,
    ],
  },
  {
    api_name: 'Products',
    singular: 'Product',
    duplicateCheck: 'Product_Name',
    fields: [
      t('Product_Name', 200, { mandatory: true }),
      t('Product_Code', 40),
      f('Product_Active', 'boolean'),
      pl('Product_Category', ['-None-', 'Hardware', 'Software', 'CRM Applications']),
      t('Manufacturer', 100),
      f('Unit_Price', 'currency', { length: 16 }),
      f('Commission_Rate', 'currency', { length: 16 }),
      f('Taxable', 'boolean'),
      f('Qty_in_Stock', 'double', { length: 16 }),
      f('Sales_Start_Date', 'date'),
      f('Sales_End_Date', 'date'),
      desc,
      owner,
      ...system,
    ],
  },
  {
    api_name: 'Attachments',
    singular: 'Attachment',
    apiSupported: false,
    fields: [t('File_Name', 255), f('Size', 'bigint'), f('Parent_Id', 'multi_module_lookup'), owner, ...system],
  },
];

/** Modules a Notes/Attachments/What_Id parent may belong to. */
export const ACTIVITY_PARENTS = ['Leads', 'Contacts', 'Accounts', 'Deals', 'Products'];
