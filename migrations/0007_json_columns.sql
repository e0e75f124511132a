-- Columns that are only ever written and read whole become json (text, checked on input) instead
-- of jsonb (parsed into a binary tree on every write): the ticket row's derived ticket and
-- contributions and each clock's segments are rewritten on every batch that changes them and are
-- never queried inside.
alter table ticket alter column derived type json using derived::json;
alter table ticket alter column contributions type json using contributions::json;
alter table sla_clock alter column segments type json using segments::json;
