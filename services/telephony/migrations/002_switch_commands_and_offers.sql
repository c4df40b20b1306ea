-- Call control on its way to the switch (an outbox: a command survives a restart until the switch takes it
-- or refuses it for good), and the offer routing made last for each call (who may answer it at the desk).
create table switch_commands (
  command_id text primary key,
  -- the order commands were issued: a call's commands reach the switch in this order
  seq bigserial not null,
  call_id text not null,
  kind text not null,
  agent_id text not null default '',
  body jsonb not null,
  -- pending, delivered or refused
  status text not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- a delivery in flight holds the command until then; a crashed sender's hold runs out
  leased_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  settled_at timestamptz
);
create index switch_commands_due on switch_commands (next_attempt_at) where status = 'pending';
create index switch_commands_call on switch_commands (call_id, seq);

create table call_offers (
  call_id text primary key,
  agent_id text not null,
  site_id text not null,
  queue_id text not null,
  offered_at timestamptz not null default now()
);
