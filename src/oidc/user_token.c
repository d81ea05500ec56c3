/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ID tokens and delegated access tokens. The ID token is assembled with jansson (its member
 * set varies with the scopes); the access token reuses access_token.c's fixed-order writer.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "oidc/user_token.h"
#include "oidc/access_token.h"
#include "core/words.h"
#include "core/b64.h"
#include "core/rand.h"
#include "core/sbuf.h"
#include "crypto/jws.h"
#include "crypto/mac.h"
#include "directory/graph_api.h"
#include "store/user.h"
#include "core/banned.h"

void user_token_subject(const unsigned char key[32], const char *tid, const char *client_id,
                        const char *oid, char out[USER_TOKEN_SUB_LEN])
{
    unsigned char mac[MAC_SHA256_LEN];
    char msg[256];
    int n = snprintf(msg, sizeof(msg), "%s:%s:%s", tid, client_id, oid);

    if (n < 0 || (size_t)n >= sizeof(msg) ||
        mac_hmac_sha256(key, 32, msg, (size_t)n, mac) != PORCH_OK) {
        out[0] = '\0';
        return;
    }
    b64url_encode(mac, sizeof(mac), out, USER_TOKEN_SUB_LEN);
}

const char *user_token_username(const struct user_row *u)
{
    for (size_t i = 0; i < u->nidentities; i++) {
        const struct user_identity *id = &u->identities[i];
        if (store_user_identity_class(id->sign_in_type) == STORE_USER_LOCAL &&
            strcasecmp(id->sign_in_type, "userPrincipalName") != 0 && id->issuer_assigned_id)
            return id->issuer_assigned_id;
    }
    return u->user_principal_name;
}

const char *user_token_email(const struct user_row *u)
{
    if (u->mail && *u->mail)
        return u->mail;
    for (size_t i = 0; i < u->nidentities; i++) {
        const struct user_identity *id = &u->identities[i];
        if (strcasecmp(id->sign_in_type, "emailAddress") == 0 && id->issuer_assigned_id)
            return id->issuer_assigned_id;
    }
    return NULL;
}


static void set_str(json_t *o, const char *name, const char *v)
{
    if (v && *v)
        json_object_set_new(o, name, json_string(v));
}

static enum porch_err sign_json(const struct jwk *key, json_t *claims, char **jwt)
{
    char *text = json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER);
    enum porch_err err = text ? jws_sign(key, text, "JWT", jwt) : PORCH_E_INTERNAL;

    free(text);
    return err;
}

enum porch_err user_token_id(const struct user_token_input *in, char **jwt)
{
    const struct user_row *u = in->user;
    bool profile = words_has(in->scope, "profile");
    char uti[32];
    json_t *c;
    enum porch_err err;

    *jwt = NULL;
    if (!in->key || !in->iss || !in->tid || !in->client_id || !u || !in->sub || !*in->sub)
        return PORCH_E_INVALID;
    rand_token(uti, sizeof(uti), 16);
    c = json_object();
    set_str(c, "aud", in->client_id);
    set_str(c, "iss", in->iss);
    json_object_set_new(c, "iat", json_integer(in->now));
    json_object_set_new(c, "nbf", json_integer(in->now));
    json_object_set_new(c, "exp", json_integer(in->now + (int64_t)in->lifetime));
    json_object_set_new(c, "auth_time", json_integer(in->auth_time));
    if (words_has(in->scope, "email"))
        set_str(c, "email", user_token_email(u));
    if (profile) {
        set_str(c, "family_name", u->surname);
        set_str(c, "given_name", u->given_name);
        set_str(c, "name", u->display_name);
        set_str(c, "oid", u->id);
        set_str(c, "preferred_username", user_token_username(u));
    }
    set_str(c, "nonce", in->nonce);
    set_str(c, "sid", in->sid);
    set_str(c, "sub", in->sub);
    set_str(c, "tid", in->tid);
    set_str(c, "uti", uti);
    set_str(c, "ver", "2.0");
    err = sign_json(in->key, c, jwt);
    json_decref(c);
    return err;
}

/* scp: the resource's scopes; for Graph also the OIDC ones (not offline_access), as Entra does. */
static char *scp_of(const char *scope, bool graph)
{
    static const char *const oidc[] = {"openid", "profile", "email", "offline_access", NULL};
    struct sbuf sb;
    const char *p;

    sbuf_init(&sb, 8192);
    for (p = scope ? scope : ""; *p;) {
        size_t n = strcspn(p, " ");
        bool is_oidc = false;
        for (size_t i = 0; oidc[i]; i++)
            is_oidc |= strlen(oidc[i]) == n && strncmp(p, oidc[i], n) == 0;
        if (n && (!is_oidc || (graph && strncmp(p, "offline_access", n) != 0)))
            (void)sbuf_addf(&sb, "%s%.*s", sb.len ? " " : "", (int)n, p);
        p += n + strspn(p + n, " ");
    }
    return sbuf_detach(&sb, NULL);
}

enum porch_err user_token_access(const struct user_token_input *in, char **jwt)
{
    const struct user_row *u = in->user;
    bool profile = words_has(in->scope, "profile");
    bool graph = in->resource && strcmp(in->resource, GRAPH_APP_ID) == 0;
    char *scp = scp_of(in->scope, graph);
    struct access_token_claims cl = {.aud = in->resource,
                                     .iss = in->iss,
                                     .tid = in->tid,
                                     .oid = u ? u->id : NULL,
                                     .azp = in->client_id,
                                     .azpacr = in->azpacr,
                                     .sub = in->sub,
                                     .scp = *scp ? scp : NULL,
                                     .name = profile && u ? u->display_name : NULL,
                                     .preferred_username =
                                         profile && u ? user_token_username(u) : NULL,
                                     .grant_id = in->grant_id,
                                     .roles = in->roles,
                                     .nroles = in->nroles,
                                     .iat = in->now,
                                     .exp = in->now + (int64_t)in->lifetime};
    enum porch_err err;

    *jwt = NULL;
    /* a user token always carries scp, which is what tells it from an app-only token */
    if (!cl.scp)
        cl.scp = "openid";
    err = u ? access_token_sign(in->key, &cl, jwt) : PORCH_E_INVALID;
    free(scp);
    return err;
}
