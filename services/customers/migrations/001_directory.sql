-- The customer directory, fed from customers.events: each record as it is now, and the index of calling numbers.
create table customers (
  customer_id text primary key,
  name text not null,
  kind text not null check (kind in ('person', 'company', 'key-account')),
  tier text not null check (tier in ('platinum', 'gold', 'normal')),
  segment text not null default '',
  region text not null default '',
  preferred_agent_id text not null default '',
  -- The survivor this record was merged into; null while it stands on its own.
  merged_into text,
  registered_at timestamptz not null,
  updated_at timestamptz not null
);
create index customers_name on customers (lower(name));

-- A number belongs to one customer at a time: the screen pop finds the caller through this primary key.
create table customer_phone_numbers (
  phone_number text primary key,
  customer_id text not null
);
create index customer_phone_numbers_customer on customer_phone_numbers (customer_id);
