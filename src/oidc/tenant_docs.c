/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Renders the discovery document (entra-compat.md §4.2, with Porch's own URLs: the tenant id
 * is the first path segment of every endpoint, whatever alias the client used) and the JWKS.
 * Only what Porch implements or is committed to implement is advertised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "oidc/tenant_docs.h"
#include "core/config.h"
#include "core/xalloc.h"
#include "crypto/jwk.h"
#include "store/key.h"
#include "core/banned.h"

static json_t *strings(const char *const *v)
{
    json_t *a = json_array();
    for (; *v; v++)
        json_array_append_new(a, json_string(*v));
    return a;
}

static void set_url(json_t *doc, const char *name, const char *base, const char *tid,
                    const char *path)
{
    char url[1024];
    snprintf(url, sizeof(url), "%s/%s%s", base, tid, path);
    json_object_set_new(doc, name, json_string(url));
}

static json_t *discovery_json(const struct config *cfg, const struct tenant *t, const char *iss)
{
    static const char *const auth_methods[] = {"client_secret_post", "private_key_jwt",
                                               "client_secret_basic", NULL};
    static const char *const modes[] = {"query", "fragment", "form_post", NULL};
    static const char *const prompts[] = {"none", "login", "select_account", "create", NULL};
    static const char *const scopes[] = {"openid", "profile", "email", "offline_access", NULL};
    static const char *const grants[] = {"authorization_code", "refresh_token",
                                         "client_credentials", NULL};
    static const char *const claims[] = {
        "sub", "iss", "aud", "exp", "iat", "nbf", "auth_time", "acr", "nonce", "name",
        "preferred_username", "email", "oid", "tid", "ver", "sid", "azp", "at_hash", "c_hash",
        NULL};
    static const char *const rs256[] = {"RS256", NULL};
    static const char *const code[] = {"code", NULL};
    static const char *const pairwise[] = {"pairwise", NULL};
    static const char *const s256[] = {"S256", NULL};
    const char *base = cfg->public_url;
    json_t *d = json_object();

    json_object_set_new(d, "issuer", json_string(iss));
    set_url(d, "authorization_endpoint", base, t->id, "/oauth2/v2.0/authorize");
    set_url(d, "token_endpoint", base, t->id, "/oauth2/v2.0/token");
    json_object_set_new(d, "token_endpoint_auth_methods_supported", strings(auth_methods));
    json_object_set_new(d, "token_endpoint_auth_signing_alg_values_supported", strings(rs256));
    set_url(d, "jwks_uri", base, t->id, "/discovery/v2.0/keys");
    set_url(d, "userinfo_endpoint", base, t->id, "/openid/v2.0/userinfo");
    set_url(d, "end_session_endpoint", base, t->id, "/oauth2/v2.0/logout");
    set_url(d, "revocation_endpoint", base, t->id, "/oauth2/v2.0/revoke");
    json_object_set_new(d, "revocation_endpoint_auth_methods_supported",
                        strings(auth_methods));
    json_object_set_new(d, "prompt_values_supported", strings(prompts));
    json_object_set_new(d, "http_logout_supported", json_false());
    json_object_set_new(d, "frontchannel_logout_supported", json_false());
    json_object_set_new(d, "response_modes_supported", strings(modes));
    json_object_set_new(d, "response_types_supported", strings(code));
    json_object_set_new(d, "subject_types_supported", strings(pairwise));
    json_object_set_new(d, "id_token_signing_alg_values_supported", strings(rs256));
    json_object_set_new(d, "scopes_supported", strings(scopes));
    json_object_set_new(d, "claims_supported", strings(claims));
    json_object_set_new(d, "grant_types_supported", strings(grants));
    json_object_set_new(d, "code_challenge_methods_supported", strings(s256));
    json_object_set_new(d, "request_parameter_supported", json_false());
    json_object_set_new(d, "request_uri_parameter_supported", json_false());
    json_object_set_new(d, "claims_parameter_supported", json_false());
    json_object_set_new(d, "authorization_response_iss_parameter_supported", json_true());
    return d;
}

static json_t *jwks_json(struct tenant_docs *d, const struct key_row *keys, size_t n,
                         enum porch_err *err)
{
    json_t *set = json_object(), *arr = json_array();

    json_object_set_new(set, "keys", arr);
    d->verify_keys = xcalloc(n ? n : 1, sizeof(*d->verify_keys));
    *err = PORCH_OK;
    for (size_t i = 0; i < n; i++) {
        json_t *k = json_loads(keys[i].public_jwk, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(k) || json_object_get(k, "d") ||
            jwk_from_public_json(keys[i].public_jwk, &d->verify_keys[d->nverify]) != PORCH_OK) {
            json_decref(k);
            *err = PORCH_E_STORE;
            break;
        }
        d->nverify++;
        json_array_append_new(arr, k);
    }
    return set;
}

static char *dump(json_t *j, size_t *len)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *copy;

    if (!s)
        PORCH_BUG("cannot serialize a tenant document");
    /* jansson allocates with malloc; copy so every buffer here is ours to free() */
    copy = xstrdup(s);
    free(s);
    *len = strlen(copy);
    return copy;
}

enum porch_err tenant_docs_build(const struct config *cfg, const struct tenant *t,
                                 const struct key_row *keys, size_t nkeys,
                                 struct tenant_docs **out)
{
    struct tenant_docs *d = xcalloc(1, sizeof(*d));
    enum porch_err err;
    json_t *disc, *jwks;
    size_t n = strlen(cfg->public_url) + strlen(t->id) + 8;

    atomic_init(&d->refs, 1);
    d->tenant = *t;
    d->issuer = xmalloc(n);
    snprintf(d->issuer, n, "%s/%s/v2.0", cfg->public_url, t->id);
    jwks = jwks_json(d, keys, nkeys, &err);
    if (err != PORCH_OK) {
        json_decref(jwks);
        tenant_docs_unref(d);
        return err;
    }
    disc = discovery_json(cfg, t, d->issuer);
    d->discovery = dump(disc, &d->discovery_len);
    d->jwks = dump(jwks, &d->jwks_len);
    json_decref(disc);
    json_decref(jwks);
    *out = d;
    return PORCH_OK;
}

struct tenant_docs *tenant_docs_ref(struct tenant_docs *d)
{
    atomic_fetch_add(&d->refs, 1);
    return d;
}

void tenant_docs_unref(struct tenant_docs *d)
{
    if (!d || atomic_fetch_sub(&d->refs, 1) != 1)
        return;
    for (size_t i = 0; i < d->nverify; i++)
        jwk_free(d->verify_keys[i]);
    free(d->verify_keys);
    jwk_free(d->signing_key);
    free(d->issuer);
    free(d->discovery);
    free(d->jwks);
    free(d);
}
