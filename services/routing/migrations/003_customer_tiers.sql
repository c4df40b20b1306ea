-- Each customer's tier, so a number added to a customer who has none left still takes the customer's tier,
-- and a merge gives the moved numbers the survivor's.
create table customer_tiers (
  customer_id text primary key,
  tier text not null
);
insert into customer_tiers (customer_id, tier)
  select distinct on (customer_id) customer_id, tier from caller_tiers order by customer_id;
