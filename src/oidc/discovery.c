/* SPDX-License-Identifier: Apache-2.0 */
/* placeholder: the discovery and JWKS handlers land with the tenant and key caches */
#include "http/req.h"
#include "oidc/oidc.h"
#include "core/banned.h"

enum porch_err oidc_discovery_get(struct req *r, struct resp *rs)
{
    (void)r;
    (void)rs;
    return PORCH_E_NOT_FOUND;
}

enum porch_err oidc_jwks_get(struct req *r, struct resp *rs)
{
    (void)r;
    (void)rs;
    return PORCH_E_NOT_FOUND;
}
