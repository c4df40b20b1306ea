-- The tier of each calling number, fed from customers.events: queued calls get their priority from it.
create table caller_tiers (
  phone_number text primary key,
  customer_id text not null,
  tier text not null check (tier in ('platinum', 'gold', 'normal'))
);
create index caller_tiers_customer on caller_tiers (customer_id);
