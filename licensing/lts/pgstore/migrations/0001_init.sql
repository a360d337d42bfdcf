-- The first schema of the ltsd store. Records whose structure only Go
-- reads (licenses with their signatures, handshake codes) are kept as the
-- exact JSON text ltsd wrote; what queries filter on has columns.

CREATE TABLE licenses (
    id        text PRIMARY KEY,
    handshake text,                 -- the code it is bound to, or NULL
    record    json NOT NULL         -- lts.LicenseRecord
);
CREATE INDEX licenses_handshake ON licenses (handshake);

CREATE TABLE handshakes (
    code   text PRIMARY KEY,
    record json NOT NULL            -- lts.Handshake
);

CREATE TABLE devices (
    handshake    text NOT NULL REFERENCES handshakes (code),
    id           text NOT NULL,
    key          bytea NOT NULL,
    domain       text NOT NULL,
    address      text NOT NULL,
    software     text NOT NULL,
    first_seen   timestamptz NOT NULL,
    last_seen    timestamptz NOT NULL,
    authorized   timestamptz,
    request_time timestamptz,
    removed      boolean NOT NULL,
    removed_at   timestamptz,
    revoked      boolean NOT NULL,
    PRIMARY KEY (handshake, id)
);
CREATE INDEX devices_id ON devices (id);

-- Usage totals per code, day and symbology, one partition per month
-- (usage_YYYYMM, made by ltsd when a month is first counted). Old months
-- can be detached and archived without touching the recent ones.
CREATE TABLE usage (
    handshake text NOT NULL,
    day       date NOT NULL,
    symbology text NOT NULL,
    count     bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (handshake, day, symbology)
) PARTITION BY RANGE (day);

-- Ids of counted usage reports, kept until keep_until for idempotency.
CREATE TABLE reports (
    device     text NOT NULL,
    report_id  text NOT NULL,
    handshake  text NOT NULL,
    seq        bigint NOT NULL,     -- the device's uint64, bit for bit
    scans      bigint NOT NULL,
    received   timestamptz NOT NULL,
    keep_until timestamptz NOT NULL,
    PRIMARY KEY (device, report_id)
);
CREATE INDEX reports_keep_until ON reports (keep_until);

-- Nonces of accepted authorize requests, kept while a replay could pass
-- the clock-skew check.
CREATE TABLE nonces (
    device     text NOT NULL,
    nonce      bytea NOT NULL,
    keep_until timestamptz NOT NULL,
    PRIMARY KEY (device, nonce)
);
CREATE INDEX nonces_keep_until ON nonces (keep_until);

-- Failed guesses at secrets per key (a handshake code, a source address).
-- Unlogged: a crash of the server forgets them, as a new window would.
CREATE UNLOGGED TABLE attempts (
    key      text PRIMARY KEY,
    until    timestamptz NOT NULL,  -- end of the window
    failures integer NOT NULL
);
CREATE INDEX attempts_until ON attempts (until);
