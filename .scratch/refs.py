import re
U_LTK = "{ file: 'users', column: ['email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' }"
REFS = {
 'leadtrekker': {
  ('leads','status'): "{ file: 'statuses', column: 'status', match: 'text', consequence: 'the status is mapped without a probability from statuses.csv' }",
  ('leads','owner'): U_LTK,
  ('leads','group'): "{ file: 'user_groups', column: 'group', match: 'text', consequence: 'the group grants no one access' }",
  ('user_groups','member_email'): "{ file: 'users', column: ['email', 'name'], match: 'text', consequence: 'the membership names no user' }",
  ('activities','lead_id'): "{ file: 'leads', column: 'lead_id', severity: 'error', consequence: 'the activity has no lead to load on' }",
  ('activities','user'): U_LTK,
  ('reminders','lead_id'): "{ file: 'leads', column: 'lead_id', severity: 'error', consequence: 'the reminder has no lead to load on' }",
  ('reminders','assigned_to'): U_LTK,
  ('attachments','lead_id'): "{ file: 'leads', column: 'lead_id', severity: 'error', consequence: 'the file has no lead to be attached to' }",
  ('notification_triggers','group'): "{ file: 'user_groups', column: 'group', match: 'text', consequence: 'the trigger notifies no group' }",
 },
 'servicetracker': {
  ('clients','primary_contact_email'): "{ file: 'contacts', column: 'email', match: 'text', consequence: 'the account has no primary contact' }",
  ('contacts','client_id'): "{ file: 'clients', column: 'client_id', consequence: 'the contact loads without an account' }",
  ('work_orders','client_id'): "{ file: 'clients', column: 'client_id', severity: 'error', consequence: 'the work order loads without an account' }",
  ('work_orders','technician_id'): "{ file: 'technicians', column: 'technician_id', consequence: 'the work order loads without a technician' }",
  ('contracts','client_id'): "{ file: 'clients', column: 'client_id', severity: 'error', consequence: 'the contract loads without an account' }",
  ('assets','client_id'): "{ file: 'clients', column: 'client_id', consequence: 'the asset loads without an account' }",
  ('work_order_parts','work_order_id'): "{ file: 'work_orders', column: 'work_order_id', severity: 'error', consequence: 'the part line has no work order to load on' }",
  ('work_order_parts','part_number'): "{ file: 'parts', column: 'part_number', consequence: 'the part line keeps the number without a product' }",
  ('service_history','work_order_id'): "{ file: 'work_orders', column: 'work_order_id', severity: 'error', consequence: 'the entry has no work order to load on' }",
  ('service_history','asset_id'): "{ file: 'assets', column: 'asset_id', consequence: 'the entry loads without an asset' }",
  ('service_history','technician_id'): "{ file: 'technicians', column: 'technician_id', consequence: 'the entry loads without a technician' }",
  ('attachments','work_order_id'): "{ file: 'work_orders', column: 'work_order_id', severity: 'error', consequence: 'the file has no work order to be attached to' }",
  ('portal_users','contact_id'): "{ file: 'contacts', column: 'contact_id', consequence: 'the portal user names no contact' }",
 },
 'leadtrac': {
  ('leads','owner_email'): "{ file: 'users', column: ['email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' }",
  ('companies','parent_company_id'): "{ file: 'companies', column: 'company_id', consequence: 'the company loads without its parent' }",
  ('lead_people','lead_id'): "{ file: 'leads', column: 'lead_id', severity: 'error', consequence: 'the link names no lead and is dropped' }",
  ('lead_people','person_id'): "{ file: 'people', column: 'person_id', severity: 'error', consequence: 'the link names no person and is dropped' }",
  ('person_companies','person_id'): "{ file: 'people', column: 'person_id', severity: 'error', consequence: 'the link names no person and is dropped' }",
  ('person_companies','company_id'): "{ file: 'companies', column: 'company_id', severity: 'error', consequence: 'the link names no company and is dropped' }",
  ('activities','lead_id'): "{ file: 'leads', column: 'lead_id', consequence: 'the activity loads without that lead' }",
  ('activities','person_id'): "{ file: 'people', column: 'person_id', consequence: 'the activity loads without that person' }",
  ('activities','company_id'): "{ file: 'companies', column: 'company_id', consequence: 'the activity loads without that company' }",
  ('activities','owner_email'): "{ file: 'users', column: ['email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' }",
  ('documents','lead_id'): "{ file: 'leads', column: 'lead_id', consequence: 'the document loads without that lead' }",
  ('documents','person_id'): "{ file: 'people', column: 'person_id', consequence: 'the document loads without that person' }",
 },
 'aspec': {
  ('contacts','company_id'): "{ file: 'companies', column: 'company_id', consequence: 'the contact loads without an account' }",
  ('contacts','owner_id'): "{ file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' }",
  ('companies','owner_id'): "{ file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' }",
  ('opportunities','company_id'): "{ file: 'companies', column: 'company_id', consequence: 'the deal loads without an account' }",
  ('opportunities','contact_id'): "{ file: 'contacts', column: 'contact_id', consequence: 'the deal loads without a contact' }",
  ('opportunities','stage'): "{ file: 'pipeline_stages', column: 'stage', match: 'text', consequence: 'the stage is mapped without its order and probability from pipeline_stages.csv' }",
  ('opportunities','owner_id'): "{ file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' }",
  ('activities','contact_id'): "{ file: 'contacts', column: 'contact_id', consequence: 'the activity loads without that contact' }",
  ('activities','company_id'): "{ file: 'companies', column: 'company_id', consequence: 'the activity loads without that company' }",
  ('activities','opportunity_id'): "{ file: 'opportunities', column: 'opportunity_id', consequence: 'the activity loads without that opportunity' }",
  ('activities','owner_id'): "{ file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the owner is left unresolved (no user in users.csv)' }",
  ('custom_field_definitions','owner_user_id'): "{ file: 'users', column: ['user_id', 'email', 'name'], match: 'text', consequence: 'the definition names no owner' }",
  ('attachments','contact_id'): "{ file: 'contacts', column: 'contact_id', consequence: 'the file is not attached to that contact' }",
  ('attachments','company_id'): "{ file: 'companies', column: 'company_id', consequence: 'the file is not attached to that company' }",
 },
}
for src, refs in REFS.items():
    p=f'connectors/sources/{src}/index.ts'
    lines=open(p).read().split('\n')
    cur=None; done=set()
    for i,l in enumerate(lines):
        m=re.match(r"^      name: '([a-z_]+)',", l)
        if m: cur=m.group(1); continue
        m=re.match(r"^        \{ name: '([a-z_]+)',(.*) \},$", l)
        if m and (cur,m.group(1)) in refs:
            lines[i]=l[:-3]+", references: "+refs[(cur,m.group(1))]+" },"
            done.add((cur,m.group(1)))
    missing=set(refs)-done
    assert not missing, (src, missing)
    open(p,'w').write('\n'.join(lines))
print('ok')
