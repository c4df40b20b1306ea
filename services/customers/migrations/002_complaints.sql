-- Complaint tickets as lists and filters need them, fed from customers.events (the history stays in the ticket's stream).
create table complaint_tickets (
  ticket_id text primary key,
  customer_id text not null,
  call_id text not null default '',
  category text not null,
  description text not null,
  department text not null,
  status text not null check (status in ('open', 'awaiting-callback', 'customer-informed', 'closed')),
  opened_by text not null,
  opened_at timestamptz not null,
  due_at timestamptz not null,
  sla_seconds integer not null,
  escalation_level integer not null default 0,
  -- When the escalation clock must look at the ticket again; null once the customer was told or the top level is reached.
  next_escalation_at timestamptz,
  updated_at timestamptz not null
);
create index complaint_tickets_customer on complaint_tickets (customer_id, opened_at desc);
create index complaint_tickets_status on complaint_tickets (status, department, due_at);
create index complaint_tickets_escalation on complaint_tickets (next_escalation_at) where next_escalation_at is not null;
