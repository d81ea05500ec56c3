/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application bodies, member by member. Each complex type is a table of fields; a member the
 * table does not name is refused as Graph refuses unknown properties, and a value of the
 * wrong shape answers "Invalid value specified for property '<path>'". The rules that need
 * more than a shape (redirect URIs, enumerations, unique role and scope values, certificates)
 * run after the shapes are known to be right.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "graph/applications_body.h"
#include "graph/graph.h"
#include "core/b64.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "crypto/jwk.h"
#include "directory/redirect_uri.h"
#include "http/req.h"
#include "core/banned.h"

#define RES "Application"

enum kind { K_STR, K_BOOL, K_INT, K_GUID, K_DATETIME, K_STRINGS, K_GUIDS, K_OBJ, K_ARR, K_ANY };

enum { F_NULL = 1 << 0, F_REQ = 1 << 1 };

struct ctype;

struct field {
    const char *name;
    enum kind kind;
    unsigned flags;
    const struct ctype *sub; /* K_OBJ, K_ARR */
    size_t max;              /* strings: bytes (0: 1024); arrays: elements (0: 256) */
};

struct ctype {
    const char *name; /* "webApplication" */
    const struct field *fields;
    size_t n;
};

#define CTYPE(var, name, f) static const struct ctype var = {name, f, sizeof(f) / sizeof(f[0])}

static const struct field implicit_f[] = {
    {"enableAccessTokenIssuance", K_BOOL, F_NULL, NULL, 0},
    {"enableIdTokenIssuance", K_BOOL, F_NULL, NULL, 0},
};
CTYPE(implicit_t, "implicitGrantSettings", implicit_f);

static const struct field uri_setting_f[] = {
    {"index", K_INT, F_NULL, NULL, 0},
    {"uri", K_STR, F_NULL, NULL, 0},
};
CTYPE(uri_setting_t, "redirectUriSettings", uri_setting_f);

static const struct field web_f[] = {
    {"homePageUrl", K_STR, F_NULL, NULL, 0},
    {"implicitGrantSettings", K_OBJ, F_NULL, &implicit_t, 0},
    {"logoutUrl", K_STR, F_NULL, NULL, 0},
    {"redirectUris", K_STRINGS, 0, NULL, REDIRECT_URI_MAX_COUNT},
    {"redirectUriSettings", K_ARR, 0, &uri_setting_t, REDIRECT_URI_MAX_COUNT},
};
CTYPE(web_t, "webApplication", web_f);

static const struct field uris_f[] = {
    {"redirectUris", K_STRINGS, 0, NULL, REDIRECT_URI_MAX_COUNT},
};
CTYPE(spa_t, "spaApplication", uris_f);
CTYPE(public_t, "publicClientApplication", uris_f);

static const struct field scope_f[] = {
    {"adminConsentDescription", K_STR, F_NULL, NULL, 0},
    {"adminConsentDisplayName", K_STR, F_NULL, NULL, 0},
    {"id", K_GUID, F_REQ, NULL, 0},
    {"isEnabled", K_BOOL, 0, NULL, 0},
    {"origin", K_STR, F_NULL, NULL, 0},
    {"type", K_STR, F_NULL, NULL, 0},
    {"userConsentDescription", K_STR, F_NULL, NULL, 0},
    {"userConsentDisplayName", K_STR, F_NULL, NULL, 0},
    {"value", K_STR, F_NULL, NULL, 120},
};
CTYPE(scope_t, "permissionScope", scope_f);

static const struct field preauth_f[] = {
    {"appId", K_STR, F_NULL, NULL, 0},
    {"delegatedPermissionIds", K_GUIDS, 0, NULL, 0},
};
CTYPE(preauth_t, "preAuthorizedApplication", preauth_f);

static const struct field api_f[] = {
    {"acceptMappedClaims", K_BOOL, F_NULL, NULL, 0},
    {"knownClientApplications", K_GUIDS, 0, NULL, 0},
    {"oauth2PermissionScopes", K_ARR, 0, &scope_t, 0},
    {"preAuthorizedApplications", K_ARR, 0, &preauth_t, 0},
    {"requestedAccessTokenVersion", K_INT, F_NULL, NULL, 0},
};
CTYPE(api_t, "apiApplication", api_f);

static const struct field role_f[] = {
    {"allowedMemberTypes", K_STRINGS, 0, NULL, 0},
    {"description", K_STR, F_NULL, NULL, 0},
    {"displayName", K_STR, F_NULL, NULL, 0},
    {"id", K_GUID, F_REQ, NULL, 0},
    {"isEnabled", K_BOOL, 0, NULL, 0},
    {"origin", K_STR, F_NULL, NULL, 0},
    {"value", K_STR, F_NULL, NULL, 120},
};
CTYPE(role_t, "appRole", role_f);

static const struct field access_f[] = {
    {"id", K_GUID, F_REQ, NULL, 0},
    {"type", K_STR, F_REQ, NULL, 0},
};
CTYPE(access_t, "resourceAccess", access_f);

static const struct field rra_f[] = {
    {"resourceAppId", K_STR, F_REQ, NULL, 0},
    {"resourceAccess", K_ARR, 0, &access_t, 0},
};
CTYPE(rra_t, "requiredResourceAccess", rra_f);

static const struct field info_f[] = {
    {"logoUrl", K_STR, F_NULL, NULL, 2048},
    {"marketingUrl", K_STR, F_NULL, NULL, 2048},
    {"privacyStatementUrl", K_STR, F_NULL, NULL, 2048},
    {"supportUrl", K_STR, F_NULL, NULL, 2048},
    {"termsOfServiceUrl", K_STR, F_NULL, NULL, 2048},
};
CTYPE(info_t, "informationalUrl", info_f);

static const struct field claim_f[] = {
    {"additionalProperties", K_STRINGS, 0, NULL, 0},
    {"essential", K_BOOL, 0, NULL, 0},
    {"name", K_STR, F_REQ, NULL, 0},
    {"source", K_STR, F_NULL, NULL, 0},
};
CTYPE(claim_t, "optionalClaim", claim_f);

static const struct field claims_f[] = {
    {"accessToken", K_ARR, 0, &claim_t, 0},
    {"idToken", K_ARR, 0, &claim_t, 0},
    {"saml2Token", K_ARR, 0, &claim_t, 0},
};
CTYPE(claims_t, "optionalClaims", claims_f);

static const struct field key_f[] = {
    {"customKeyIdentifier", K_STR, F_NULL, NULL, 0},
    {"displayName", K_STR, F_NULL, NULL, 0},
    {"endDateTime", K_DATETIME, F_NULL, NULL, 0},
    {"key", K_STR, F_NULL, NULL, 24 * 1024},
    {"keyId", K_GUID, F_NULL, NULL, 0},
    {"startDateTime", K_DATETIME, F_NULL, NULL, 0},
    {"type", K_STR, F_REQ, NULL, 0},
    {"usage", K_STR, F_REQ, NULL, 0},
};
CTYPE(key_t_, "keyCredential", key_f);

static const struct field parental_f[] = {
    {"countriesBlockedForMinors", K_STRINGS, 0, NULL, 0},
    {"legalAgeGroupRule", K_STR, F_NULL, NULL, 0},
};
CTYPE(parental_t, "parentalControlSettings", parental_f);

static const struct field sigver_f[] = {
    {"allowedWeakAlgorithms", K_STR, F_NULL, NULL, 0},
    {"isSignedRequestRequired", K_BOOL, F_NULL, NULL, 0},
};
CTYPE(sigver_t, "requestSignatureVerification", sigver_f);

static const struct field lock_f[] = {
    {"allProperties", K_BOOL, F_NULL, NULL, 0},
    {"credentialsWithUsageSign", K_BOOL, F_NULL, NULL, 0},
    {"credentialsWithUsageVerify", K_BOOL, F_NULL, NULL, 0},
    {"identifierUris", K_BOOL, F_NULL, NULL, 0},
    {"isEnabled", K_BOOL, F_NULL, NULL, 0},
    {"tokenEncryptionKeyId", K_BOOL, F_NULL, NULL, 0},
};
CTYPE(lock_t, "servicePrincipalLockConfiguration", lock_f);

static const struct field behaviors_f[] = {
    {"blockAzureADGraphAccess", K_BOOL, F_NULL, NULL, 0},
    {"removeUnverifiedEmailClaim", K_BOOL, F_NULL, NULL, 0},
    {"requireClientServicePrincipal", K_BOOL, F_NULL, NULL, 0},
};
CTYPE(behaviors_t, "authenticationBehaviors", behaviors_f);

/* The application's complex-typed members (top-level shapes are graph_body_check's). */
static const struct field app_f[] = {
    {"web", K_OBJ, F_NULL, &web_t, 0},
    {"spa", K_OBJ, F_NULL, &spa_t, 0},
    {"publicClient", K_OBJ, F_NULL, &public_t, 0},
    {"api", K_OBJ, F_NULL, &api_t, 0},
    {"appRoles", K_ARR, 0, &role_t, 0},
    {"requiredResourceAccess", K_ARR, 0, &rra_t, 0},
    {"info", K_OBJ, F_NULL, &info_t, 0},
    {"optionalClaims", K_OBJ, F_NULL, &claims_t, 0},
    {"keyCredentials", K_ARR, 0, &key_t_, GRAPH_APPLICATIONS_MAX_KEYS},
    {"parentalControlSettings", K_OBJ, F_NULL, &parental_t, 0},
    {"requestSignatureVerification", K_OBJ, F_NULL, &sigver_t, 0},
    {"servicePrincipalLockConfiguration", K_OBJ, F_NULL, &lock_t, 0},
    {"authenticationBehaviors", K_OBJ, F_NULL, &behaviors_t, 0},
};
CTYPE(app_t, "application", app_f);

/* A failed check: the rendered message's pieces. */
struct fail {
    char path[160];
    const char *unknown_type; /* set: "Property 'path' does not exist on type …" */
    const char *detail;       /* appended to "Invalid value …" */
};

static bool check_obj(json_t *o, const struct ctype *t, const char *path, struct fail *f);

static void set_path(struct fail *f, const char *path, const char *name)
{
    int n = snprintf(f->path, sizeof(f->path), "%s%s%s", path, *path ? "." : "", name);

    /* a path longer than the buffer only shortens the error message */
    if (n < 0 || (size_t)n >= sizeof(f->path))
        memcpy(f->path + sizeof(f->path) - 4, "...", 4);
}

static bool all_match(json_t *v, enum kind k, size_t max)
{
    json_t *e;
    size_t i;
    int64_t t;

    if (!json_is_array(v) || json_array_size(v) > (max ? max : 256))
        return false;
    json_array_foreach(v, i, e)
    {
        const char *s = json_string_value(e);
        if (!s || json_string_length(e) > 1024 || (k == K_GUIDS && !uuid_valid(s)) ||
            (k == K_DATETIME && clock_parse_iso(s, &t) != 0))
            return false;
    }
    return true;
}

static bool check_elems(json_t *v, const struct field *fd, const char *path, struct fail *f)
{
    json_t *e;
    size_t i;
    char p[160];

    if (!json_is_array(v) || json_array_size(v) > (fd->max ? fd->max : 256))
        return false;
    json_array_foreach(v, i, e)
    {
        snprintf(p, sizeof(p), "%s", path);
        if (!check_obj(e, fd->sub, p, f))
            return false;
    }
    return true;
}

/* Shape of one member; false with f filled on failure. */
static bool check_field(json_t *v, const struct field *fd, const char *path, struct fail *f)
{
    int64_t t;
    bool ok;

    set_path(f, path, fd->name);
    if (json_is_null(v))
        return fd->flags & F_NULL;
    switch (fd->kind) {
    case K_STR:
        return json_is_string(v) && json_string_length(v) <= (fd->max ? fd->max : 1024);
    case K_BOOL:
        return json_is_boolean(v);
    case K_INT:
        return json_is_integer(v);
    case K_GUID:
        return json_is_string(v) && uuid_valid(json_string_value(v));
    case K_DATETIME:
        return json_is_string(v) && clock_parse_iso(json_string_value(v), &t) == 0;
    case K_STRINGS:
    case K_GUIDS:
        return all_match(v, fd->kind, fd->max);
    case K_OBJ:
        return check_obj(v, fd->sub, f->path, f);
    case K_ARR:
        ok = check_elems(v, fd, f->path, f);
        return ok;
    case K_ANY:
        return true;
    }
    return false;
}

static const struct field *find_field(const struct ctype *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->fields[i].name, name) == 0)
            return &t->fields[i];
    }
    return NULL;
}

static bool check_obj(json_t *o, const struct ctype *t, const char *path, struct fail *f)
{
    const char *k;
    json_t *v;
    char here[160];

    snprintf(here, sizeof(here), "%s", path);
    if (!json_is_object(o))
        return false;
    json_object_foreach(o, k, v)
    {
        const struct field *fd = find_field(t, k);
        if (k[0] == '@')
            continue;
        if (!fd) {
            set_path(f, "", k);
            f->unknown_type = t->name;
            return false;
        }
        if (!check_field(v, fd, here, f))
            return false;
    }
    for (size_t i = 0; i < t->n; i++) {
        if ((t->fields[i].flags & F_REQ) && !json_object_get(o, t->fields[i].name)) {
            set_path(f, here, t->fields[i].name);
            f->detail = "the property is required";
            return false;
        }
    }
    return true;
}

/* --- rules beyond shapes ------------------------------------------------------------------ */

static enum porch_err invalid(struct req *r, struct resp *rs, const char *path, const char *detail)
{
    if (detail)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid value specified for property '%s' of resource '" RES "'. %s",
                           path, detail);
    return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                       "Invalid value specified for property '%s' of resource '" RES "'.", path);
}

static enum porch_err bad_uri(struct req *r, struct resp *rs, const char *path, const char *uri,
                              const char *why)
{
    return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                       "Invalid value specified for property '%s' of resource '" RES
                       "'. The URI '%.300s' is not valid: %s.",
                       path, uri, why);
}

static bool in_list(const char *v, const char *const *list)
{
    for (size_t i = 0; v && list[i]; i++) {
        if (strcmp(v, list[i]) == 0)
            return true;
    }
    return false;
}

static bool has_dup(json_t *arr, size_t upto, const char *s, const char *member)
{
    for (size_t j = 0; j < upto; j++) {
        json_t *e = json_array_get(arr, j);
        const char *o = json_string_value(member ? json_object_get(e, member) : e);
        if (o && s && strcmp(o, s) == 0)
            return true;
    }
    return false;
}

static enum porch_err check_uris(struct req *r, struct resp *rs, json_t *data, const char *obj,
                                 enum redirect_uri_platform p, size_t *total)
{
    json_t *list = json_object_get(json_object_get(data, obj), "redirectUris"), *v;
    char path[64];
    const char *why;
    size_t i;

    snprintf(path, sizeof(path), "%s.redirectUris", obj);
    json_array_foreach(list, i, v)
    {
        if (redirect_uri_check(json_string_value(v), p, &why) != PORCH_OK)
            return bad_uri(r, rs, path, json_string_value(v), why);
        if (has_dup(list, i, json_string_value(v), NULL))
            return bad_uri(r, rs, path, json_string_value(v), "it is listed twice");
    }
    *total += json_array_size(list);
    return PORCH_OK;
}

static enum porch_err check_web_extra(struct req *r, struct resp *rs, json_t *web)
{
    json_t *settings = json_object_get(web, "redirectUriSettings"), *v;
    const char *logout = json_string_value(json_object_get(web, "logoutUrl")), *why, *u;
    size_t i;

    if (logout && redirect_uri_check(logout, REDIRECT_URI_WEB, &why) != PORCH_OK)
        return bad_uri(r, rs, "web.logoutUrl", logout, why);
    json_array_foreach(settings, i, v)
    {
        u = json_string_value(json_object_get(v, "uri"));
        if (u && redirect_uri_check(u, REDIRECT_URI_WEB, &why) != PORCH_OK)
            return bad_uri(r, rs, "web.redirectUriSettings.uri", u, why);
    }
    return PORCH_OK;
}

static enum porch_err check_redirects(struct req *r, struct resp *rs, json_t *data)
{
    size_t total = 0;
    enum porch_err err = check_uris(r, rs, data, "web", REDIRECT_URI_WEB, &total);

    if (err == PORCH_OK)
        err = check_uris(r, rs, data, "spa", REDIRECT_URI_SPA, &total);
    if (err == PORCH_OK)
        err = check_uris(r, rs, data, "publicClient", REDIRECT_URI_PUBLIC, &total);
    if (err == PORCH_OK)
        err = check_web_extra(r, rs, json_object_get(data, "web"));
    if (err == PORCH_OK && total > REDIRECT_URI_MAX_COUNT)
        err = invalid(r, rs, "redirectUris", "An application may have at most 256 redirect URIs.");
    return err;
}

/* A permission value as it appears in tokens: no whitespace, not starting with '.'. */
static bool value_ok(const char *v)
{
    if (!v || !*v || *v == '.')
        return false;
    for (; *v; v++) {
        if ((unsigned char)*v <= ' ' || *v == 0x7f)
            return false;
    }
    return true;
}

static enum porch_err check_roles(struct req *r, struct resp *rs, json_t *roles)
{
    static const char *const types[] = {"User", "Application", NULL};
    json_t *v, *t;
    size_t i, j;

    json_array_foreach(roles, i, v)
    {
        const char *val = json_string_value(json_object_get(v, "value"));
        if (has_dup(roles, i, json_string_value(json_object_get(v, "id")), "id"))
            return invalid(r, rs, "appRoles", "App role ids must be unique.");
        if (json_is_string(json_object_get(v, "value")) && !value_ok(val))
            return invalid(r, rs, "appRoles.value",
                           "A value must not be empty, contain spaces or start with '.'.");
        if (val && has_dup(roles, i, val, "value"))
            return invalid(r, rs, "appRoles.value", "App role values must be unique.");
        json_array_foreach(json_object_get(v, "allowedMemberTypes"), j, t)
        {
            if (!in_list(json_string_value(t), types))
                return invalid(r, rs, "appRoles.allowedMemberTypes",
                               "Allowed member types are 'User' and 'Application'.");
        }
    }
    return PORCH_OK;
}

static enum porch_err check_scopes(struct req *r, struct resp *rs, json_t *scopes)
{
    static const char *const types[] = {"User", "Admin", NULL};
    json_t *v, *type;
    size_t i;

    json_array_foreach(scopes, i, v)
    {
        const char *val = json_string_value(json_object_get(v, "value"));
        type = json_object_get(v, "type");
        if (has_dup(scopes, i, json_string_value(json_object_get(v, "id")), "id"))
            return invalid(r, rs, "api.oauth2PermissionScopes",
                           "Permission scope ids must be unique.");
        if (!value_ok(val))
            return invalid(r, rs, "api.oauth2PermissionScopes.value",
                           "A value is required and must not contain spaces or start with '.'.");
        if (has_dup(scopes, i, val, "value"))
            return invalid(r, rs, "api.oauth2PermissionScopes.value",
                           "Permission scope values must be unique.");
        if (!json_is_null(type) && type && !in_list(json_string_value(type), types))
            return invalid(r, rs, "api.oauth2PermissionScopes.type",
                           "The type is 'User' or 'Admin'.");
    }
    return PORCH_OK;
}

static enum porch_err check_access(struct req *r, struct resp *rs, json_t *rra)
{
    static const char *const types[] = {"Scope", "Role", NULL};
    json_t *v, *a;
    size_t i, j;

    json_array_foreach(rra, i, v)
    {
        json_array_foreach(json_object_get(v, "resourceAccess"), j, a)
        {
            if (!in_list(json_string_value(json_object_get(a, "type")), types))
                return invalid(r, rs, "requiredResourceAccess.resourceAccess.type",
                               "The type is 'Scope' or 'Role'.");
        }
    }
    return PORCH_OK;
}

/* identifierUris: absolute, unique, without wildcards, fragments or whitespace. */
static enum porch_err check_identifier_uris(struct req *r, struct resp *rs, json_t *uris)
{
    json_t *v;
    size_t i;

    json_array_foreach(uris, i, v)
    {
        const char *u = json_string_value(v);
        const char *colon = strchr(u, ':');
        bool ok = colon && colon > u && strlen(u) <= 256 && !strpbrk(u, "*# \t\r\n\"<>\\{}|^`");
        if (!ok)
            return bad_uri(r, rs, "identifierUris", u,
                           "an identifier URI is absolute (api://…, https://…) and has no "
                           "wildcard, fragment or whitespace");
        if (has_dup(uris, i, u, NULL))
            return bad_uri(r, rs, "identifierUris", u, "it is listed twice");
    }
    return PORCH_OK;
}

static enum porch_err check_enums(struct req *r, struct resp *rs, json_t *data)
{
    static const char *const audiences[] = {"AzureADMyOrg", "AzureADMultipleOrgs",
                                            "AzureADandPersonalMicrosoftAccount",
                                            "PersonalMicrosoftAccount", NULL};
    static const char *const native[] = {"none", "all", "unknownFutureValue", NULL};
    static const char *const groups[] = {"None",          "SecurityGroup",    "All",
                                         "DirectoryRole", "ApplicationGroup", NULL};
    json_t *aud = json_object_get(data, "signInAudience");
    json_t *nat = json_object_get(data, "nativeAuthenticationApisEnabled");
    const char *g = json_string_value(json_object_get(data, "groupMembershipClaims"));
    char buf[128];

    if (!json_is_null(aud) && aud && !in_list(json_string_value(aud), audiences))
        return invalid(r, rs, "signInAudience", NULL);
    if (!json_is_null(nat) && nat && !in_list(json_string_value(nat), native))
        return invalid(r, rs, "nativeAuthenticationApisEnabled", NULL);
    if (g) {
        snprintf(buf, sizeof(buf), "%s", g);
        for (char *t = buf, *e; t; t = e) {
            e = strchr(t, ',');
            if (e)
                *e++ = '\0';
            while (*t == ' ')
                t++;
            if (!in_list(t, groups))
                return invalid(r, rs, "groupMembershipClaims", NULL);
        }
    }
    return PORCH_OK;
}

/* --- keyCredentials ----------------------------------------------------------------------- */

static json_t *find_key(json_t *keys, const char *key_id)
{
    json_t *v;
    size_t i;

    json_array_foreach(keys, i, v)
    {
        const char *id = json_string_value(json_object_get(v, "keyId"));
        if (id && key_id && strcasecmp(id, key_id) == 0)
            return v;
    }
    return NULL;
}

/* Parses the certificate of kc and fills keyId and customKeyIdentifier when absent. */
static const char *normalise_key(json_t *kc, json_t *old_keys)
{
    const char *id = json_string_value(json_object_get(kc, "keyId"));
    const char *key = json_string_value(json_object_get(kc, "key"));
    json_t *old = find_key(old_keys, id);
    unsigned char der[JWK_MAX_CERT];
    char t1[JWK_X5T_LEN], t256[JWK_X5T_S256_LEN], idbuf[UUID_STR_LEN];
    struct jwk *k = NULL;
    size_t len = 0;

    if (strcmp(json_string_value(json_object_get(kc, "type")), "AsymmetricX509Cert") != 0 ||
        strcmp(json_string_value(json_object_get(kc, "usage")), "Verify") != 0)
        return "Only certificates (type 'AsymmetricX509Cert', usage 'Verify') are supported.";
    if (!key && old)
        json_object_set(kc, "key", json_object_get(old, "key"));
    key = json_string_value(json_object_get(kc, "key"));
    if (!key)
        return "The key (a base64 DER certificate) is required.";
    if (b64_decode(key, strlen(key), der, sizeof(der), &len) != PORCH_OK ||
        jwk_from_x509_der(der, len, "RS256", &k, t1, t256) != PORCH_OK)
        return "The key is not a base64-encoded DER X.509 certificate with an RSA key.";
    jwk_free(k);
    if (!id) {
        uuid_v4(idbuf);
        json_object_set_new(kc, "keyId", json_string(idbuf));
    }
    if (json_is_null(json_object_get(kc, "customKeyIdentifier")) ||
        !json_object_get(kc, "customKeyIdentifier")) {
        /* Graph's customKeyIdentifier is the SHA-1 thumbprint, which x5t carries base64url */
        for (char *c = t1; *c; c++)
            *c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
        json_object_set_new(kc, "customKeyIdentifier", json_pack("s+", t1, "="));
    }
    return NULL;
}

static enum porch_err check_keys(struct req *r, struct resp *rs, json_t *keys, json_t *old)
{
    json_t *v;
    size_t i;
    const char *why;

    json_array_foreach(keys, i, v)
    {
        why = normalise_key(v, old);
        if (why)
            return invalid(r, rs, "keyCredentials", why);
        if (has_dup(keys, i, json_string_value(json_object_get(v, "keyId")), "keyId"))
            return invalid(r, rs, "keyCredentials", "Key ids must be unique.");
    }
    return PORCH_OK;
}

/* --- entry point ------------------------------------------------------------------------- */

static enum porch_err check_shapes(struct req *r, struct resp *rs, json_t *data)
{
    struct fail f;

    for (size_t i = 0; i < app_t.n; i++) {
        json_t *v = json_object_get(data, app_t.fields[i].name);
        memset(&f, 0, sizeof(f));
        if (!v || check_field(v, &app_t.fields[i], "", &f))
            continue;
        if (f.unknown_type)
            return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                               "Property '%s' does not exist on type 'microsoft.graph.%s'.", f.path,
                               f.unknown_type);
        return invalid(r, rs, f.path, f.detail);
    }
    return PORCH_OK;
}

enum porch_err graph_applications_body_check(struct req *r, struct resp *rs, json_t *data,
                                             json_t *old_keys)
{
    const char *name = json_string_value(json_object_get(data, "displayName"));
    enum porch_err err = check_shapes(r, rs, data);

    if (err == PORCH_OK && (!name || !*name))
        err = invalid(r, rs, "displayName", "A display name is required.");
    if (err == PORCH_OK)
        err = check_enums(r, rs, data);
    if (err == PORCH_OK)
        err = check_redirects(r, rs, data);
    if (err == PORCH_OK)
        err = check_roles(r, rs, json_object_get(data, "appRoles"));
    if (err == PORCH_OK)
        err = check_scopes(r, rs,
                           json_object_get(json_object_get(data, "api"), "oauth2PermissionScopes"));
    if (err == PORCH_OK)
        err = check_access(r, rs, json_object_get(data, "requiredResourceAccess"));
    if (err == PORCH_OK)
        err = check_identifier_uris(r, rs, json_object_get(data, "identifierUris"));
    if (err == PORCH_OK)
        err = check_keys(r, rs, json_object_get(data, "keyCredentials"), old_keys);
    return err;
}
