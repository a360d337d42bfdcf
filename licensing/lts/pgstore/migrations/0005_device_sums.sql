-- Every device's scans added up per code and day, and per code and month:
-- what a chart by device stacks as its bars, added to by the statement
-- that adds to device_days and device_months and pruned with them, so that
-- a chart of every device reads a row a code and period. Capped at the
-- int64 range, as a sum of the devices' rows is.

CREATE TABLE device_day_sums (
    handshake text NOT NULL,
    day       date NOT NULL,
    count     bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (handshake, day)
);
INSERT INTO device_day_sums (handshake, day, count)
SELECT handshake, day, LEAST(sum(count), 9223372036854775807) FROM device_days GROUP BY 1, 2;

CREATE TABLE device_month_sums (
    handshake text NOT NULL,
    month     date NOT NULL,    -- its first day
    count     bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (handshake, month)
);
INSERT INTO device_month_sums (handshake, month, count)
SELECT handshake, month, LEAST(sum(count), 9223372036854775807) FROM device_months GROUP BY 1, 2;
