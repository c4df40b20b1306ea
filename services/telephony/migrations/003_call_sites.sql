-- The ACD site each call was last offered at: a supervisor controls calls of their own sites only.
create table call_sites (
  call_id text primary key,
  site_id text not null
);
insert into call_sites (call_id, site_id) select call_id, site_id from call_offers on conflict do nothing;
