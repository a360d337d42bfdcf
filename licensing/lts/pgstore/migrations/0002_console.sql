-- The admin console: operators' accounts and their sessions (shared by the
-- replicas), and scans per device, all symbologies together, per day and
-- per month (lts.DeviceUsageKept says how long each is kept).

CREATE TABLE accounts (
    name             text PRIMARY KEY,
    role             text NOT NULL,
    password_hash    text NOT NULL,
    created          timestamptz NOT NULL,
    password_changed timestamptz NOT NULL
);

CREATE TABLE sessions (
    id      text PRIMARY KEY,   -- a hash of the browser's secret
    account text NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    created timestamptz NOT NULL,
    expires timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE device_days (
    handshake text NOT NULL,
    day       date NOT NULL,
    device    text NOT NULL,
    count     bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (handshake, day, device)
);
CREATE INDEX device_days_day ON device_days (day);

CREATE TABLE device_months (
    handshake text NOT NULL,
    month     date NOT NULL,    -- its first day
    device    text NOT NULL,
    count     bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (handshake, month, device)
);
CREATE INDEX device_months_month ON device_months (month);
