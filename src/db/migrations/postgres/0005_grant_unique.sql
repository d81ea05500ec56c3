-- SPDX-License-Identifier: Apache-2.0
-- One delegated permission grant per (client, resource, consent type, principal), as Graph
-- keeps it: a second POST of the same combination is a conflict, and a change of scopes is a
-- PATCH of the one grant. AllPrincipals grants have no principal (NULL), so the key uses ''.
CREATE UNIQUE INDEX oauth2_permission_grants_key
    ON oauth2_permission_grants (tenant_id, client_id, resource_id, consent_type,
                                 COALESCE(principal_id, ''));
