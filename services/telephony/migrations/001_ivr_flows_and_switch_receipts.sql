-- IVR flows as saved (every version kept: a running call keeps the version it started with), and the
-- switch's webhook receipts: a repeated switch event id gets the first answer back and changes nothing.
create table ivr_flows (
  version bigserial primary key,
  dialled_number text not null,
  -- '' for the flow of every site; a site's own flow wins over it.
  site_id text not null default '',
  flow jsonb not null,
  saved_at timestamptz not null default now()
);
create index ivr_flows_current on ivr_flows (dialled_number, site_id, version desc);

create table switch_event_receipts (
  switch_event_id text primary key,
  call_id text not null,
  -- null while the first delivery is being handled
  status_code integer,
  response jsonb,
  received_at timestamptz not null default now()
);
