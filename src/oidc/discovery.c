/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET handlers for the discovery document and the JWKS. Both are served from the tenant
 * cache with a copy of a prebuilt body and no store access on a hit.
 */
#include <stdio.h>
#include <string.h>

#include "oidc/oidc.h"
#include "oidc/tenant_docs.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "core/banned.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* Answers an unknown tenant as Entra does (AADSTS90002), but with 404: never a default tenant. */
static enum porch_err tenant_error(struct req *r, struct resp *rs, enum porch_err err)
{
    char desc[256];

    if (err != PORCH_E_NOT_FOUND)
        return err;
    snprintf(desc, sizeof(desc),
             "Tenant '%.64s' not found. Check to make sure you have the correct tenant ID and "
             "are signing into the correct cloud.",
             r->params[0]);
    return http_error_oauth(r, rs, PORCH_E_NOT_FOUND, "invalid_tenant", 90002, desc);
}

static enum porch_err serve_doc(struct req *r, struct resp *rs, int jwks)
{
    struct tenant_docs *d = NULL;
    enum porch_err err = oidc_tenant_docs(r->srv->oidc, r->params[0], &d);

    if (err != PORCH_OK)
        return tenant_error(r, rs, err);
    if (jwks)
        err = resp_body(rs, 200, JSON_TYPE, d->jwks, d->jwks_len);
    else
        err = resp_body(rs, 200, JSON_TYPE, d->discovery, d->discovery_len);
    tenant_docs_unref(d);
    if (err != PORCH_OK)
        return err;
    /* as Entra serves them; keys rotate with a publication delay longer than this */
    resp_header(rs, "Cache-Control", jwks ? "max-age=1800, private" : "max-age=86400, private");
    resp_header(rs, "Access-Control-Allow-Origin", "*");
    return PORCH_OK;
}

enum porch_err oidc_discovery_get(struct req *r, struct resp *rs)
{
    return serve_doc(r, rs, 0);
}

enum porch_err oidc_jwks_get(struct req *r, struct resp *rs)
{
    return serve_doc(r, rs, 1);
}
