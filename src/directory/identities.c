/* SPDX-License-Identifier: Apache-2.0 */
/*
 * objectIdentity validation. The duplicate check inside one body mirrors the store's unique
 * index (class, issuer key, normalized value), so a body that passes here can only conflict
 * with other users, never with itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "directory/identities.h"
#include "directory/email.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "store/user.h"
#include "core/banned.h"

#define SIGN_IN_TYPE_MAX    64
#define IDENTITIES_LIST_MAX 32 /* the most any caller may allow */

/* The state of one identities_normalize call. */
struct norm {
    const char *domain; /* the tenant's default domain */
    const char *upn;    /* the userPrincipalName identity's value, borrowed */
    struct porch_error *e;
};

/* A string of 1..max code points without C0 controls or DEL. */
static bool plain_text(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    size_t n, chars;

    if (!s)
        return false;
    n = json_string_length(v);
    if (n == 0 || !utf8_count(s, n, &chars) || chars > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    }
    return true;
}

/*
 * userPrincipalName: local@domain, the local part 1..64 of letters, digits and ' . - _ ! # ^ ~
 * without a dot at either end or two in a row, the domain the tenant's default domain.
 * Writes the normalized UPN (domain lower-cased) into out (IDENTITIES_UPN_MAX + 1 bytes).
 */
bool identities_upn_normalize(const char *s, const char *domain, char out[IDENTITIES_UPN_MAX + 1])
{
    const char *at = s ? strchr(s, '@') : NULL;
    size_t local;

    if (!at || strlen(s) > IDENTITIES_UPN_MAX || strcasecmp(at + 1, domain) != 0)
        return false;
    local = (size_t)(at - s);
    if (local == 0 || local > IDENTITIES_UPN_LOCAL_MAX || s[0] == '.' || at[-1] == '.')
        return false;
    for (size_t i = 0; i < local; i++) {
        unsigned char c = (unsigned char)s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !strchr("'.-_!#^~", c))
            return false;
        if (c == '.' && s[i + 1] == '.')
            return false;
    }
    if (local + 1 + strlen(domain) > IDENTITIES_UPN_MAX)
        return false;
    snprintf(out, IDENTITIES_UPN_MAX + 1, "%.*s@%s", (int)local, s, domain);
    utf8_ascii_lower(out + local + 1, strlen(domain), out + local + 1);
    return true;
}

/* userName: 1..64 letters, digits, '-' and '_', starting with a letter or digit. */
static bool username_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > IDENTITIES_USERNAME_MAX || s[0] == '-' || s[0] == '_')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* The canonical spelling of a signInType (into out), or false when it is not acceptable. */
static bool sign_in_type_canon(const json_t *v, char *out, size_t size)
{
    const char *s = json_string_value(v);

    if (!plain_text(v, SIGN_IN_TYPE_MAX) || strchr(s, ' '))
        return false;
    if (strncasecmp(s, "emailAddress", 12) == 0)
        snprintf(out, size, "emailAddress%s", s + 12);
    else if (strcasecmp(s, "userName") == 0)
        snprintf(out, size, "userName");
    else if (strcasecmp(s, "federated") == 0)
        snprintf(out, size, "federated");
    else if (strcasecmp(s, "userPrincipalName") == 0)
        snprintf(out, size, "userPrincipalName");
    else
        snprintf(out, size, "%s", s);
    return true;
}

/* Checks one objectIdentity's keys: only signInType, issuer, issuerAssignedId, @odata.type. */
static enum porch_err identity_keys_ok(const json_t *obj, struct porch_error *e)
{
    const char *key;
    json_t *v;

    if (!json_is_object(obj))
        return PORCH_ERROR_SET(
            e, PORCH_E_INVALID,
            "Invalid value specified for property 'identities' of resource 'User'.");
    json_object_foreach((json_t *)(uintptr_t)obj, key, v)
    {
        if (strcmp(key, "signInType") && strcmp(key, "issuer") && strcmp(key, "issuerAssignedId") &&
            strcmp(key, "@odata.type"))
            return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                                   "The property '%.80s' does not exist on type "
                                   "'microsoft.graph.objectIdentity'.",
                                   key);
    }
    return PORCH_OK;
}

/* The issuer of a local identity: missing or the default domain (any case). */
static enum porch_err local_issuer(struct norm *p, const json_t *issuer)
{
    if (!issuer || json_is_null(issuer))
        return PORCH_OK;
    if (!json_is_string(issuer) || strcasecmp(json_string_value(issuer), p->domain))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "The issuer of a local account identity (signInType emailAddress "
                               "or userName) must be the tenant's default domain '%s'.",
                               p->domain);
    return PORCH_OK;
}

/* Validates one identity and appends its normalized form to list (or takes the UPN). */
static enum porch_err identity_add(struct norm *p, const json_t *obj, json_t *list)
{
    const json_t *issuer = json_object_get(obj, "issuer");
    const json_t *value = json_object_get(obj, "issuerAssignedId");
    const char *val = json_string_value(value);
    char type[SIGN_IN_TYPE_MAX * 4 + 16];
    bool local;

    if (identity_keys_ok(obj, p->e) != PORCH_OK)
        return PORCH_E_INVALID;
    if (!sign_in_type_canon(json_object_get(obj, "signInType"), type, sizeof(type)))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "Invalid value specified for property "
                               "'signInType' of resource 'objectIdentity'.");
    if (!plain_text(value, IDENTITIES_VALUE_MAX))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "Invalid value specified for property 'issuerAssignedId' of "
                               "resource 'objectIdentity'.");
    if (strcmp(type, "userPrincipalName") == 0) {
        p->upn = val;
        return PORCH_OK;
    }
    local = store_user_identity_class(type) == STORE_USER_LOCAL;
    if (local && local_issuer(p, issuer) != PORCH_OK)
        return PORCH_E_INVALID;
    if (!local && !plain_text(issuer, IDENTITIES_ISSUER_MAX))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "Invalid value specified for property 'issuer' of resource "
                               "'objectIdentity'.");
    if (local && type[0] == 'e' && !email_valid(val))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "The issuerAssignedId of an emailAddress identity must be a "
                               "valid email address.");
    if (local && type[0] == 'u' && !username_ok(val))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "The issuerAssignedId of a userName identity must be 1 to 64 "
                               "letters, digits, '-' or '_', starting with a letter or digit.");
    json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "signInType", type, "issuer",
                                          local ? p->domain : json_string_value(issuer),
                                          "issuerAssignedId", val));
    return PORCH_OK;
}

/* The uniqueness key of a normalized identity: what the store's unique index compares. */
static char *identity_key(const json_t *id)
{
    const char *type = json_string_value(json_object_get(id, "signInType"));
    const char *issuer = json_string_value(json_object_get(id, "issuer"));
    const char *val = json_string_value(json_object_get(id, "issuerAssignedId"));
    bool local = store_user_identity_class(type) == STORE_USER_LOCAL;
    size_t n = strlen(issuer) + strlen(val) + 16;
    char *k = xmalloc(n);

    snprintf(k, n, "%s\n%s\n%s", local ? "local" : "federated", local ? "" : issuer, val);
    /* Federated subjects stay case-sensitive; the issuer part is lower-cased either way. */
    utf8_ascii_lower(k, local ? strlen(k) : strlen(k) - strlen(val), k);
    return k;
}

static enum porch_err identities_unique(struct norm *p, const json_t *list)
{
    enum porch_err err = PORCH_OK;
    size_t n = json_array_size(list);
    char *keys[IDENTITIES_LIST_MAX] = {0};

    for (size_t i = 0; i < n; i++)
        keys[i] = identity_key(json_array_get(list, i));
    for (size_t i = 0; err == PORCH_OK && i < n; i++) {
        for (size_t j = i + 1; err == PORCH_OK && j < n; j++) {
            if (strcmp(keys[i], keys[j]) == 0)
                err = PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                                      "The identities collection contains the same sign-in "
                                      "identity twice (entries %zu and %zu).",
                                      i, j);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    return err;
}

enum porch_err identities_normalize(const json_t *in, const char *default_domain, size_t max,
                                    json_t **out, const char **upn, struct porch_error *e)
{
    enum porch_err err = PORCH_OK;
    struct norm n = {default_domain, NULL, e};
    json_t *list;

    *out = NULL;
    *upn = NULL;
    if (!json_is_array(in))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "Invalid value specified for property "
                               "'identities' of resource 'User'.");
    if (json_array_size(in) > max || max > IDENTITIES_LIST_MAX)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "A user can have at most %zu identities.", max);
    list = json_array();
    for (size_t i = 0; err == PORCH_OK && i < json_array_size(in); i++)
        err = identity_add(&n, json_array_get(in, i), list);
    if (err == PORCH_OK)
        err = identities_unique(&n, list);
    if (err != PORCH_OK) {
        json_decref(list);
        return err;
    }
    *out = list;
    *upn = n.upn;
    return PORCH_OK;
}

bool identities_has_local(const json_t *list)
{
    size_t i;
    json_t *id;

    json_array_foreach(list, i, id)
    {
        const char *type = json_string_value(json_object_get(id, "signInType"));
        if (store_user_identity_class(type) == STORE_USER_LOCAL)
            return true;
    }
    return false;
}
