-- Calls no queue or agent holds (arrived, in the IVR, being hung up): the switch reports on them within seconds.
-- One it has been silent on for TELEPHONY_UNATTENDED_CALL_TIMEOUT_SECONDS went away with its switch, and
-- telephony ends it (application/unattended-calls.ts). `since`: when the call was last known to be moving.
create table unattended_calls (
  call_id text primary key,
  since timestamptz(6) not null default now()
);
create index unattended_calls_since on unattended_calls (since);
