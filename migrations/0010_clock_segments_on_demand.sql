-- A clock's segments (running, paused, under which policy and calendar version) are the
-- explanation of its figures, read only by the ticket timeline, one ticket at a time. The timeline
-- now folds the ticket's events again to get them (the fold is deterministic: the same events and
-- configuration give the same clocks), so they are no longer written with every clock: they were
-- more than half of a clock row's bytes and a third of its insert cost.
alter table sla_clock drop column segments;
