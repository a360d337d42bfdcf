-- Scan leases and rollback evidence, per device (lts.Device): the counter
-- of the latest authorization and the highest one the device presented;
-- the times it came back as an older copy of itself; its share of the
-- code's scan quota in one period.
ALTER TABLE devices
    ADD COLUMN counter       bigint NOT NULL DEFAULT 0,
    ADD COLUMN seen_counter  bigint NOT NULL DEFAULT 0,
    ADD COLUMN rollbacks     integer NOT NULL DEFAULT 0,
    ADD COLUMN last_rollback timestamptz,
    ADD COLUMN rollback_note text NOT NULL DEFAULT '',
    ADD COLUMN lease_period  text NOT NULL DEFAULT '',
    ADD COLUMN leased        bigint NOT NULL DEFAULT 0;
