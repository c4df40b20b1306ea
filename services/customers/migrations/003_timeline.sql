-- The interaction timeline of customers, fed from every context's events: one row per call, and one entry per event.
create table timeline_calls (
  call_id text primary key,
  calling_number text not null default '',
  -- Whose call it is: linked by an agent, or the number's owner when the call arrived; null for a number nobody had then.
  customer_id text,
  arrived_at timestamptz,
  dialled_number text not null default '',
  agent_id text not null default '',
  -- The last word on how it went: self-service, answered, abandoned, callback, completed.
  outcome text not null default '',
  ended_at timestamptz,
  recording_url text not null default ''
);
create index timeline_calls_number on timeline_calls (calling_number, arrived_at desc);
create index timeline_calls_customer on timeline_calls (customer_id, arrived_at desc);

-- One entry per event (a redelivered event adds nothing): a call's entries are found through timeline_calls.
create table timeline_entries (
  event_id uuid primary key,
  customer_id text,
  call_id text,
  -- The complaint ticket the entry is about, when it is.
  ticket_id text,
  occurred_at timestamptz not null,
  source text not null,
  kind text not null,
  summary text not null,
  details jsonb not null default '{}'
);
create index timeline_entries_customer on timeline_entries (customer_id, occurred_at desc, event_id) where customer_id is not null;
create index timeline_entries_call on timeline_entries (call_id, occurred_at desc) where call_id is not null;
create index timeline_entries_ticket on timeline_entries (ticket_id) where ticket_id is not null;
