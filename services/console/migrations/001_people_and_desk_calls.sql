-- The console's own tables: password hashes (never in an event), the people read model, and what the desk knows of each call.
create table person_credentials (
  login text primary key,
  person_id text not null,
  -- argon2id PHC string; the password itself is never stored
  password_hash text not null,
  updated_at timestamptz not null default now()
);

-- Fed from console.events (PersonCreated, PersonLocked, PersonUnlocked); rebuildable.
create table people (
  person_id text primary key,
  login text not null unique,
  name text not null,
  role text not null,
  sites text[] not null,
  agent_id text not null default '',
  locked boolean not null default false,
  created_at timestamptz not null
);

-- Fed from telephony.calls and routing.events: the caller's number and the call's state, for the desk of the agent who has it.
create table desk_calls (
  call_id text primary key,
  calling_number text not null default '',
  agent_id text not null default '',
  site_id text not null default '',
  queue_id text not null default '',
  state text not null default '',
  detail text not null default '',
  updated_at timestamptz not null default now()
);
create index desk_calls_agent on desk_calls (agent_id) where agent_id <> '';
