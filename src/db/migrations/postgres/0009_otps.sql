-- SPDX-License-Identifier: Apache-2.0
-- One-time passcodes mailed or texted during a journey (security-baseline.md, "Email/SMS OTP";
-- store/otp.h). A code is bound to its journey (the journey's id hash), its purpose ('signup',
-- 'signin' or 'reset') and the lower-cased address it was sent to. The code itself is never
-- stored: code_hash is the base64url HMAC-SHA256, under a key derived from the master key, of
-- the code together with that binding, so a database dump does not allow an offline search of
-- the 10^8 possible codes. attempts counts wrong tries; consumed_at is set by the one
-- successful verification.
-- A journey holds at most one code per purpose: the unique index (which also serves lookups by
-- tenant and journey) makes a new code replace the earlier one in place, voiding it.
CREATE TABLE otps (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    journey_hash TEXT NOT NULL,
    purpose TEXT NOT NULL,
    address_lower TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    consumed_at BIGINT,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX otps_journey ON otps (tenant_id, journey_hash, purpose);
CREATE INDEX otps_expiry ON otps (expires_at);
