-- What the ACD's telephony reactor remembers of each call: who called which number, and the site whose queue took it.
create table telephony_calls (
  call_id text primary key,
  calling_number text not null,
  dialled_number text not null,
  -- The site whose switch took the call, when the switch said so; else the dial plan chooses.
  switch_site_id text not null default '',
  -- Where routing queued the call; empty until it asked for an agent.
  queued_site_id text not null default ''
);
