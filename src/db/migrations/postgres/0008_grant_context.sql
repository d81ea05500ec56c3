-- SPDX-License-Identifier: Apache-2.0
-- What the token endpoint needs again when a refresh token is redeemed long after the code:
-- the sign-in's auth_time and SSO session (the ID token's auth_time and sid claims must not
-- change across refreshes, OpenID Connect Core §12.2), whether the client was a public one
-- (spa or publicClient redirect URI: no client authentication, 24 h refresh chains for spa),
-- and the resource (appId) its access tokens are for. Codes carry the same, so the
-- redemption reads everything from the one row it wins.
ALTER TABLE token_grants ADD COLUMN auth_time BIGINT NOT NULL DEFAULT 0;
ALTER TABLE token_grants ADD COLUMN session_id TEXT;
ALTER TABLE token_grants ADD COLUMN public_client BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth_codes ADD COLUMN public_client BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth_codes ADD COLUMN client_info BIGINT NOT NULL DEFAULT 0;
ALTER TABLE token_grants ADD COLUMN resource TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_codes ADD COLUMN resource TEXT NOT NULL DEFAULT '';
