/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Access token assembly. Claim names and order follow what Entra emits for v2.0 tokens; every
 * string goes through the JSON escaper even though the values are GUIDs, URLs and role names
 * from the store, so a role value with a quote can never break the token.
 */
#include <stdlib.h>

#include "oidc/access_token.h"
#include "core/rand.h"
#include "core/sbuf.h"
#include "crypto/jws.h"
#include "core/banned.h"

static enum porch_err add_str(struct sbuf *sb, const char *name, const char *v)
{
    enum porch_err err = sbuf_addf(sb, "\"%s\":\"", name);

    if (err == PORCH_OK)
        err = sbuf_add_json_str(sb, v);
    if (err == PORCH_OK)
        err = sbuf_adds(sb, "\",");
    return err;
}

static enum porch_err add_roles(struct sbuf *sb, const char *const *roles, size_t n)
{
    enum porch_err err = PORCH_OK;

    if (n == 0)
        return PORCH_OK;
    err = sbuf_adds(sb, "\"roles\":[");
    for (size_t i = 0; err == PORCH_OK && i < n; i++) {
        err = sbuf_adds(sb, i ? ",\"" : "\"");
        if (err == PORCH_OK)
            err = sbuf_add_json_str(sb, roles[i]);
        if (err == PORCH_OK)
            err = sbuf_addch(sb, '"');
    }
    if (err == PORCH_OK)
        err = sbuf_adds(sb, "],");
    return err;
}

enum porch_err access_token_claims_json(const struct access_token_claims *c, char **json)
{
    enum porch_err err = PORCH_E_INVALID;
    char uti[32];
    struct sbuf sb;

    *json = NULL;
    sbuf_init(&sb, ACCESS_TOKEN_MAX_CLAIMS);
    if (!c->aud || !c->iss || !c->tid || !c->oid || !c->azp || !c->azpacr)
        goto out;
    rand_token(uti, sizeof(uti), 16);
    err = sbuf_addch(&sb, '{');
    if (err == PORCH_OK)
        err = add_str(&sb, "aud", c->aud);
    if (err == PORCH_OK)
        err = add_str(&sb, "iss", c->iss);
    if (err == PORCH_OK)
        err = sbuf_addf(&sb, "\"iat\":%lld,\"nbf\":%lld,\"exp\":%lld,", (long long)c->iat,
                        (long long)c->iat, (long long)c->exp);
    if (err == PORCH_OK)
        err = add_str(&sb, "azp", c->azp);
    if (err == PORCH_OK)
        err = add_str(&sb, "azpacr", c->azpacr);
    if (err == PORCH_OK && c->idtyp)
        err = add_str(&sb, "idtyp", c->idtyp);
    if (err == PORCH_OK && c->name)
        err = add_str(&sb, "name", c->name);
    if (err == PORCH_OK)
        err = add_str(&sb, "oid", c->oid);
    if (err == PORCH_OK && c->preferred_username)
        err = add_str(&sb, "preferred_username", c->preferred_username);
    if (err == PORCH_OK)
        err = add_roles(&sb, c->roles, c->nroles);
    if (err == PORCH_OK && c->scp)
        err = add_str(&sb, "scp", c->scp);
    if (err == PORCH_OK)
        err = add_str(&sb, "sub", c->sub ? c->sub : c->oid);
    if (err == PORCH_OK)
        err = add_str(&sb, "tid", c->tid);
    if (err == PORCH_OK)
        err = add_str(&sb, "uti", uti);
    if (err == PORCH_OK && c->grant_id)
        err = add_str(&sb, "xms_gid", c->grant_id);
    if (err == PORCH_OK)
        err = sbuf_adds(&sb, "\"ver\":\"2.0\"}");
    if (err == PORCH_OK)
        *json = sbuf_detach(&sb, NULL);
out:
    sbuf_release(&sb);
    return err;
}

enum porch_err access_token_sign(const struct jwk *k, const struct access_token_claims *c,
                                 char **jwt)
{
    char *json = NULL;
    enum porch_err err = access_token_claims_json(c, &json);

    *jwt = NULL;
    if (err == PORCH_OK)
        err = jws_sign(k, json, "JWT", jwt);
    free(json);
    return err;
}
