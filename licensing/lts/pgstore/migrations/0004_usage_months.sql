-- Usage totals per code, month and symbology, added to by the statement
-- that adds to the daily ones (RecordUsage, Load), so that a month, a year
-- or a code's quota state reads a row a month rather than a row a day. A
-- month past the int64 range is capped there, as a sum of its days is.

CREATE TABLE usage_months (
    handshake text NOT NULL,
    month     date NOT NULL,    -- its first day
    symbology text NOT NULL,
    count     bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (handshake, month, symbology)
);
INSERT INTO usage_months (handshake, month, symbology, count)
SELECT handshake, date_trunc('month', day)::date, symbology, LEAST(sum(count), 9223372036854775807)
FROM usage GROUP BY 1, 2, 3;

-- The days and months of chosen devices under every code (the devices a
-- chart shows alone), without reading every device's.
CREATE INDEX device_days_device ON device_days (device, day);
CREATE INDEX device_months_device ON device_months (device, month);
