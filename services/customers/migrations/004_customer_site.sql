-- A customer's home site: the site whose agents look after them; '' is national (every site sees them).
-- Records from before sites existed are national, as they were.
alter table customers add column site_id text not null default '';
