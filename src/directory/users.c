/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Graph user bodies to user rows. Create and update share one path: the user is first turned
 * into a JSON document of Graph properties (empty for a create, the stored user for an update),
 * each body property is validated through one table and written into a copy of it, the
 * whole-user rules run on the result, and the document is split back into the indexed columns
 * and the data column. The audit changes are the difference between the two documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "directory/users.h"
#include "directory/email.h"
#include "directory/identities.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "core/uuid.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define OTHER_MAILS_MAX 50

enum kind {
    K_STR,        /* string of at most max code points, no control characters */
    K_BOOL,       /* boolean */
    K_EMAIL,      /* email address */
    K_EMAILS,     /* array of email addresses */
    K_PHONES,     /* businessPhones: at most one string */
    K_ENUM,       /* one of choices, case-insensitive, stored canonical */
    K_NICK,       /* mailNickname */
    K_LANG,       /* preferredLanguage: a language tag */
    K_COUNTRY,    /* usageLocation: two letters, stored upper-case */
    K_UPN,        /* userPrincipalName */
    K_IDENTITIES, /* identities */
    K_PROFILE,    /* passwordProfile */
    K_POLICIES,   /* passwordPolicies */
    K_ID,         /* id: refused on create, ignored on update when it names the user */
    K_IGNORE,     /* read-only, computed: ignored */
    K_READONLY,   /* read-only and security-relevant: refused */
};

struct prop {
    const char *name;
    enum kind kind;
    unsigned max;
    bool nullable;
    const char *const *choices;
};

static const char *const user_types[] = {"Member", "Guest", NULL};
static const char *const age_groups[] = {"Minor", "NotAdult", "Adult", NULL};
static const char *const consents[] = {"Granted", "Denied", "NotRequired", NULL};

/* Graph user properties Porch knows; lengths from the Graph user resource. */
static const struct prop props[] = {
    {"accountEnabled", K_BOOL, 0, false, NULL},
    {"ageGroup", K_ENUM, 0, true, age_groups},
    {"businessPhones", K_PHONES, 64, false, NULL},
    {"city", K_STR, 128, true, NULL},
    {"companyName", K_STR, 64, true, NULL},
    {"consentProvidedForMinor", K_ENUM, 0, true, consents},
    {"country", K_STR, 128, true, NULL},
    {"department", K_STR, 64, true, NULL},
    {"displayName", K_STR, USERS_DISPLAY_NAME_MAX, true, NULL},
    {"employeeId", K_STR, 16, true, NULL},
    {"employeeType", K_STR, 64, true, NULL},
    {"faxNumber", K_STR, 64, true, NULL},
    {"givenName", K_STR, 64, true, NULL},
    {"identities", K_IDENTITIES, 0, false, NULL},
    {"jobTitle", K_STR, 128, true, NULL},
    {"mail", K_EMAIL, 0, true, NULL},
    {"mailNickname", K_NICK, 64, true, NULL},
    {"mobilePhone", K_STR, 64, true, NULL},
    {"officeLocation", K_STR, 128, true, NULL},
    {"otherMails", K_EMAILS, 0, false, NULL},
    {"passwordPolicies", K_POLICIES, 0, true, NULL},
    {"passwordProfile", K_PROFILE, 0, false, NULL},
    {"postalCode", K_STR, 40, true, NULL},
    {"preferredLanguage", K_LANG, 35, true, NULL},
    {"showInAddressList", K_BOOL, 0, true, NULL},
    {"state", K_STR, 128, true, NULL},
    {"streetAddress", K_STR, 1024, true, NULL},
    {"surname", K_STR, 64, true, NULL},
    {"usageLocation", K_COUNTRY, 2, true, NULL},
    {"userPrincipalName", K_UPN, 0, false, NULL},
    {"userType", K_ENUM, 0, false, user_types},
    {"id", K_ID, 0, false, NULL},
    {"createdDateTime", K_IGNORE, 0, true, NULL},
    {"deletedDateTime", K_IGNORE, 0, true, NULL},
    {"lastPasswordChangeDateTime", K_IGNORE, 0, true, NULL},
    {"signInActivity", K_IGNORE, 0, true, NULL},
    {"proxyAddresses", K_IGNORE, 0, true, NULL},
    {"imAddresses", K_IGNORE, 0, true, NULL},
    {"securityIdentifier", K_IGNORE, 0, true, NULL},
    {"creationType", K_READONLY, 0, true, NULL},
    {"signInSessionsValidFromDateTime", K_READONLY, 0, true, NULL},
    {"refreshTokensValidFromDateTime", K_READONLY, 0, true, NULL},
};

/* Properties kept in columns of the users table, not in data. */
static const char *const column_props[] = {
    "displayName",    "givenName",    "surname",  "mail",       "userPrincipalName",
    "accountEnabled", "creationType", "userType", "identities",
};

/* The state of one prepare call. */
struct prep {
    const struct users_ctx *ctx;
    const struct user_row *current; /* NULL on create */
    json_t *doc;                    /* the user being built */
    const char *upn_from_identity;  /* borrowed from the body */
    struct users_result *out;
    struct porch_error *e;
};

/* A borrowed body value as jansson's non-const API wants it; only its refcount changes. */
static json_t *unconst(const json_t *v)
{
    return (json_t *)(uintptr_t)v;
}

/* ---- messages ---- */

static enum porch_err bad_value(struct porch_error *e, const char *prop)
{
    return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                           "Invalid value specified for property '%s' of resource 'User'.", prop);
}

static enum porch_err required(struct porch_error *e, const char *prop)
{
    return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                           "A value is required for property '%s' of resource 'User'.", prop);
}

static enum porch_err read_only(struct porch_error *e, const char *prop)
{
    return PORCH_ERROR_SET(e, PORCH_E_INVALID, "Property '%s' is read-only and cannot be set.",
                           prop);
}

static enum porch_err unknown_prop(struct porch_error *e, const char *prop)
{
    return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                           "The property '%.80s' does not exist on type 'microsoft.graph.user'. "
                           "Make sure to only use property names that are defined by the type.",
                           prop);
}

/* ---- value checks ---- */

/* A string of 1..max code points without C0 controls or DEL. */
static bool text_ok(const json_t *v, size_t max)
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

static bool email_json_ok(const json_t *v)
{
    return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v) &&
           email_valid(json_string_value(v));
}

/* mailNickname: ASCII without spaces and @ ( ) \ [ ] " ; : < > , */
static bool nick_ok(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;

    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || strchr("@()\\[]\";:<>,", c))
            return false;
    }
    return true;
}

/* Letters, digits and '-' only, 2..max: "en", "en-US", "zh-Hant-TW". */
static bool lang_ok(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;

    if (n < 2 || n > max || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return false;
    }
    return true;
}

static bool letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "Member" for "member": the canonical spelling of a case-insensitive choice, or NULL. */
static const char *choice(const char *const *choices, const char *s)
{
    for (size_t i = 0; s && choices[i]; i++) {
        if (strcasecmp(choices[i], s) == 0)
            return choices[i];
    }
    return NULL;
}

static enum porch_err apply_identities(struct prep *p, const json_t *v)
{
    enum porch_err err;
    json_t *list = NULL;

    err = identities_normalize(v, p->ctx->default_domain, USERS_MAX_IDENTITIES, &list,
                               &p->upn_from_identity, p->e);
    if (err == PORCH_OK)
        json_object_set_new(p->doc, "identities", list);
    return err;
}

/* passwordProfile: the flags go into the document, the password into the result. */
static enum porch_err apply_profile(struct prep *p, const json_t *v)
{
    const char *key;
    json_t *val, *flags;

    if (!json_is_object(v))
        return bad_value(p->e, "passwordProfile");
    flags = json_pack("{s:b, s:b}", "forceChangePasswordNextSignIn", 0,
                      "forceChangePasswordNextSignInWithMfa", 0);
    json_object_foreach(unconst(v), key, val)
    {
        bool is_flag = strcmp(key, "forceChangePasswordNextSignIn") == 0 ||
                       strcmp(key, "forceChangePasswordNextSignInWithMfa") == 0;
        if (is_flag && !json_is_boolean(val)) {
            json_decref(flags);
            return bad_value(p->e, "passwordProfile");
        }
        if (is_flag) {
            json_object_set(flags, key, val);
        } else if (strcmp(key, "password") == 0 && json_is_string(val) &&
                   json_string_length(val) > 0) {
            p->out->password = json_string_value(val);
            p->out->password_len = json_string_length(val);
        } else if (strcmp(key, "password") != 0 || !json_is_null(val)) {
            json_decref(flags);
            return bad_value(p->e, "passwordProfile");
        }
    }
    json_object_set_new(p->doc, "passwordProfile", flags);
    return PORCH_OK;
}

/* passwordPolicies: a comma list of DisablePasswordExpiration and None. */
static enum porch_err apply_policies(struct prep *p, const json_t *v)
{
    const char *s = json_string_value(v);
    char tok[64];
    size_t start = 0, n;

    if (!s || json_string_length(v) > 256)
        return bad_value(p->e, "passwordPolicies");
    n = strlen(s);
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != ',')
            continue;
        snprintf(tok, sizeof(tok), "%.*s", (int)(i - start), s + start);
        start = i + 1;
        for (size_t a = 0, b = 0;; a++) { /* trim spaces in place */
            if (tok[a] != ' ')
                tok[b++] = tok[a];
            if (!tok[a])
                break;
        }
        if (strcasecmp(tok, "DisableStrongPassword") == 0)
            return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                                   "The password policy 'DisableStrongPassword' is not supported: "
                                   "the tenant's password policy cannot be weakened per user.");
        if (strcasecmp(tok, "DisablePasswordExpiration") && strcasecmp(tok, "None"))
            return bad_value(p->e, "passwordPolicies");
    }
    json_object_set_new(p->doc, "passwordPolicies", json_incref(unconst(v)));
    return PORCH_OK;
}

/* extension_<32 lower-case or upper-case hex>_<name of letters, digits and '_'>. */
static bool extension_name(const char *k)
{
    size_t n = strlen(k);

    if (strncmp(k, "extension_", 10) != 0 || n < 10 + 32 + 2 || n > 10 + 32 + 1 + 120 ||
        k[42] != '_')
        return false;
    for (size_t i = 10; i < 42; i++) {
        if (!strchr("0123456789abcdefABCDEF", k[i]) || !k[i])
            return false;
    }
    for (size_t i = 43; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

static size_t count_extensions(const json_t *doc)
{
    const char *key;
    json_t *v;
    size_t n = 0;

    json_object_foreach(unconst(doc), key, v)
    {
        if (strncmp(key, "extension_", 10) == 0)
            n++;
    }
    return n;
}

static enum porch_err apply_extension(struct prep *p, const char *key, const json_t *v)
{
    enum porch_err err;

    if (!json_is_null(v) && !json_is_boolean(v) && !json_is_integer(v) &&
        !text_ok(v, USERS_EXTENSION_MAX))
        return bad_value(p->e, key);
    if (p->ctx->extension_check) {
        err = p->ctx->extension_check(p->ctx->extension_ctx, key, v, p->e);
        if (err != PORCH_OK)
            return err;
    }
    if (json_is_null(v)) {
        json_object_del(p->doc, key);
        return PORCH_OK;
    }
    json_object_set_new(p->doc, key, json_incref(unconst(v)));
    if (count_extensions(p->doc) > USERS_MAX_EXTENSIONS)
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "A user can have at most %d extension properties.",
                               USERS_MAX_EXTENSIONS);
    return PORCH_OK;
}

/* Arrays: otherMails (emails, <= 50) and businessPhones (<= 1 string). */
static enum porch_err apply_array(struct prep *p, const struct prop *pr, const json_t *v)
{
    size_t max = pr->kind == K_EMAILS ? OTHER_MAILS_MAX : 1;
    size_t i;
    json_t *item;

    if (!json_is_array(v) || json_array_size(v) > max)
        return bad_value(p->e, pr->name);
    json_array_foreach(v, i, item)
    {
        bool ok = pr->kind == K_EMAILS ? email_json_ok(item) : text_ok(item, pr->max);
        if (!ok)
            return bad_value(p->e, pr->name);
    }
    json_object_set_new(p->doc, pr->name, json_incref(unconst(v)));
    return PORCH_OK;
}

static enum porch_err apply_id(struct prep *p, const json_t *v)
{
    const char *s = json_string_value(v);

    if (p->current && s && strcasecmp(s, p->current->id) == 0)
        return PORCH_OK;
    return read_only(p->e, "id");
}

/* Checks scalar values; on success stores the (canonical) value. */
static enum porch_err apply_scalar(struct prep *p, const struct prop *pr, const json_t *v)
{
    char upn[IDENTITIES_UPN_MAX + 1], cc[3];
    const char *canon;

    switch (pr->kind) {
    case K_BOOL:
        if (!json_is_boolean(v))
            return bad_value(p->e, pr->name);
        break;
    case K_STR:
        if (!text_ok(v, pr->max))
            return bad_value(p->e, pr->name);
        break;
    case K_EMAIL:
        if (!email_json_ok(v))
            return bad_value(p->e, pr->name);
        break;
    case K_NICK:
        if (!nick_ok(v, pr->max))
            return bad_value(p->e, pr->name);
        break;
    case K_LANG:
        if (!lang_ok(v, pr->max))
            return bad_value(p->e, pr->name);
        break;
    case K_COUNTRY:
        if (!lang_ok(v, 2) || json_string_length(v) != 2 || !letter(json_string_value(v)[0]) ||
            !letter(json_string_value(v)[1]))
            return bad_value(p->e, pr->name);
        utf8_ascii_lower(json_string_value(v), 2, cc);
        cc[0] = (char)(cc[0] - 'a' + 'A');
        cc[1] = (char)(cc[1] - 'a' + 'A');
        cc[2] = '\0';
        json_object_set_new(p->doc, pr->name, json_string(cc));
        return PORCH_OK;
    case K_ENUM:
        canon = choice(pr->choices, json_string_value(v));
        if (!canon)
            return bad_value(p->e, pr->name);
        json_object_set_new(p->doc, pr->name, json_string(canon));
        return PORCH_OK;
    case K_UPN:
        if (!identities_upn_normalize(json_string_value(v), p->ctx->default_domain, upn))
            return bad_value(p->e, pr->name);
        json_object_set_new(p->doc, pr->name, json_string(upn));
        return PORCH_OK;
    default:
        PORCH_BUG("kind %d is not scalar", (int)pr->kind);
    }
    json_object_set_new(p->doc, pr->name, json_incref(unconst(v)));
    return PORCH_OK;
}

static const struct prop *find_prop(const char *name)
{
    for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
        if (strcmp(props[i].name, name) == 0)
            return &props[i];
    }
    return NULL;
}

/* "@odata.type" must name the user type; other annotations are ignored. */
static enum porch_err apply_annotation(struct prep *p, const char *key, const json_t *v)
{
    const char *t = json_string_value(v);

    if (strcmp(key, "@odata.type") != 0)
        return strncmp(key, "@odata.", 7) == 0 ? PORCH_OK : unknown_prop(p->e, key);
    if (t &&
        (strcasecmp(t, "#microsoft.graph.user") == 0 || strcasecmp(t, "microsoft.graph.user") == 0))
        return PORCH_OK;
    return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                           "A type named '%.80s' could not be resolved by the model. When a model "
                           "is available, each type name must resolve to a valid type.",
                           t ? t : "");
}

static enum porch_err apply_prop(struct prep *p, const char *key, const json_t *v)
{
    const struct prop *pr = find_prop(key);

    if (key[0] == '@')
        return apply_annotation(p, key, v);
    if (extension_name(key))
        return apply_extension(p, key, v);
    if (!pr)
        return unknown_prop(p->e, key);
    if (pr->kind == K_IGNORE)
        return PORCH_OK;
    if (pr->kind == K_READONLY)
        return read_only(p->e, key);
    if (pr->kind == K_ID)
        return apply_id(p, v);
    if (json_is_null(v)) {
        if (!pr->nullable)
            return bad_value(p->e, key);
        json_object_del(p->doc, key);
        return PORCH_OK;
    }
    switch (pr->kind) {
    case K_IDENTITIES:
        return apply_identities(p, v);
    case K_PROFILE:
        return apply_profile(p, v);
    case K_POLICIES:
        return apply_policies(p, v);
    case K_EMAILS:
    case K_PHONES:
        return apply_array(p, pr, v);
    default:
        return apply_scalar(p, pr, v);
    }
}

/* ---- whole-user rules ---- */

/* The userPrincipalName identity sets the UPN and must agree with the property. */
static enum porch_err mirror_upn(struct prep *p, const json_t *body)
{
    char upn[IDENTITIES_UPN_MAX + 1];
    const char *prop = json_string_value(json_object_get(body, "userPrincipalName"));

    if (!p->upn_from_identity)
        return PORCH_OK;
    if (!identities_upn_normalize(p->upn_from_identity, p->ctx->default_domain, upn))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "The issuerAssignedId of the userPrincipalName identity must be a "
                               "valid userPrincipalName in the domain '%s'.",
                               p->ctx->default_domain);
    if (prop && strcasecmp(prop, upn) != 0)
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "The userPrincipalName identity must match userPrincipalName.");
    json_object_set_new(p->doc, "userPrincipalName", json_string(upn));
    return PORCH_OK;
}

/* Rules for users with a local identity (entra-compat §2.5). */
static enum porch_err local_rules(struct prep *p)
{
    json_t *profile = json_object_get(p->doc, "passwordProfile");
    const char *pol = json_string_value(json_object_get(p->doc, "passwordPolicies"));

    if (!identities_has_local(json_object_get(p->doc, "identities")))
        return PORCH_OK;
    if (json_is_true(json_object_get(profile, "forceChangePasswordNextSignIn")))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "forceChangePasswordNextSignIn must be false for users with a "
                               "local account identity (emailAddress or userName).");
    if (!pol)
        json_object_set_new(p->doc, "passwordPolicies", json_string("DisablePasswordExpiration"));
    else if (strcasecmp(pol, "DisablePasswordExpiration") != 0)
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID,
                               "passwordPolicies must be 'DisablePasswordExpiration' for users "
                               "with a local account identity.");
    return PORCH_OK;
}

/* Required properties on create; see users.h. */
static enum porch_err create_required(struct prep *p, const json_t *body)
{
    static const char *const generic[] = {"accountEnabled", "displayName", "mailNickname",
                                          "passwordProfile", "userPrincipalName"};
    size_t nids = json_array_size(json_object_get(p->doc, "identities"));

    if (identities_has_local(json_object_get(p->doc, "identities")) && !p->out->password)
        return required(p->e, "passwordProfile");
    if (nids > 0)
        return PORCH_OK;
    for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++) {
        bool upn_given = i == 4 && p->upn_from_identity;
        if (!json_object_get(p->doc, generic[i]) && !upn_given)
            return required(p->e, generic[i]);
    }
    (void)body;
    return p->out->password ? PORCH_OK : required(p->e, "passwordProfile");
}

/* ---- documents and rows ---- */

static bool is_column(const char *key)
{
    for (size_t i = 0; i < sizeof(column_props) / sizeof(column_props[0]); i++) {
        if (strcmp(column_props[i], key) == 0)
            return true;
    }
    return false;
}

static void set_str(json_t *doc, const char *key, const char *s)
{
    if (s && *s)
        json_object_set_new(doc, key, json_string(s));
}

/* The document of a stored user: data, columns and identities (no computed properties). */
static enum porch_err row_to_doc(const struct user_row *u, json_t **out)
{
    json_t *doc = json_loads(u->data ? u->data : "{}", 0, NULL);
    json_t *ids = json_array();

    *out = NULL;
    if (!json_is_object(doc)) {
        json_decref(doc);
        json_decref(ids);
        return PORCH_E_STORE;
    }
    set_str(doc, "displayName", u->display_name);
    set_str(doc, "givenName", u->given_name);
    set_str(doc, "surname", u->surname);
    set_str(doc, "mail", u->mail);
    set_str(doc, "userPrincipalName", u->user_principal_name);
    set_str(doc, "creationType", u->creation_type);
    set_str(doc, "userType", u->user_type);
    json_object_set_new(doc, "accountEnabled", json_boolean(u->account_enabled));
    for (size_t i = 0; i < u->nidentities; i++)
        json_array_append_new(ids, json_pack("{s:s, s:s, s:s}", "signInType",
                                             u->identities[i].sign_in_type, "issuer",
                                             u->identities[i].issuer, "issuerAssignedId",
                                             u->identities[i].issuer_assigned_id));
    json_object_set_new(doc, "identities", ids);
    *out = doc;
    return PORCH_OK;
}

static char *doc_str(const json_t *doc, const char *key)
{
    const char *s = json_string_value(json_object_get(doc, key));

    return s ? xstrdup(s) : NULL;
}

/* Splits doc into the columns, identities and data of row (whose ids are set). */
static void doc_to_row(const json_t *doc, struct user_row *row)
{
    json_t *data = json_object(), *ids = json_object_get(doc, "identities"), *v;
    const char *key;

    json_object_foreach(unconst(doc), key, v)
    {
        if (!is_column(key))
            json_object_set(data, key, v);
    }
    row->display_name = doc_str(doc, "displayName");
    if (!row->display_name)
        row->display_name = xstrdup("");
    row->given_name = doc_str(doc, "givenName");
    row->surname = doc_str(doc, "surname");
    row->mail = doc_str(doc, "mail");
    row->user_principal_name = doc_str(doc, "userPrincipalName");
    row->account_enabled = !json_is_false(json_object_get(doc, "accountEnabled"));
    row->creation_type = doc_str(doc, "creationType");
    row->user_type = doc_str(doc, "userType");
    row->nidentities = json_array_size(ids);
    row->identities = xcalloc(row->nidentities ? row->nidentities : 1, sizeof(*row->identities));
    for (size_t i = 0; i < row->nidentities; i++) {
        json_t *id = json_array_get(ids, i);
        row->identities[i].sign_in_type = doc_str(id, "signInType");
        row->identities[i].issuer = doc_str(id, "issuer");
        row->identities[i].issuer_assigned_id = doc_str(id, "issuerAssignedId");
    }
    row->data = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(data);
}

static json_t *value_text(const json_t *v)
{
    char *s;
    json_t *out;

    if (!v)
        return json_null();
    s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    out = json_string(s ? s : "null");
    free(s);
    return out;
}

/* Appends one modifiedProperty for each body property whose value differs between docs. */
static void diff_changes(const json_t *body, const json_t *before, const json_t *after,
                         json_t *changes)
{
    const char *key;
    json_t *v;

    json_object_foreach(unconst(body), key, v)
    {
        const json_t *a = json_object_get(before, key), *b = json_object_get(after, key);
        bool secret = strcmp(key, "passwordProfile") == 0;
        if (key[0] == '@' || (!secret && json_equal(a, b)))
            continue;
        if (!secret && !a && !b)
            continue;
        json_array_append_new(changes, json_pack("{s:s, s:o, s:o}", "displayName", key, "oldValue",
                                                 secret ? json_null() : value_text(a), "newValue",
                                                 secret ? json_null() : value_text(b)));
    }
}

/* ---- entry points ---- */

static enum porch_err apply_body(struct prep *p, const json_t *body)
{
    enum porch_err err = PORCH_OK;
    const char *key;
    json_t *v;

    if (!json_is_object(body))
        return PORCH_ERROR_SET(p->e, PORCH_E_INVALID, "The request body must be a JSON object.");
    json_object_foreach(unconst(body), key, v)
    {
        err = apply_prop(p, key, v);
        if (err != PORCH_OK)
            break;
    }
    if (err == PORCH_OK)
        err = mirror_upn(p, body);
    if (err == PORCH_OK)
        err = local_rules(p);
    return err;
}

/* Creation defaults for what the body left out. */
static void create_defaults(struct prep *p, const char *id)
{
    char upn[UUID_STR_LEN + 256];

    if (!json_object_get(p->doc, "accountEnabled"))
        json_object_set_new(p->doc, "accountEnabled", json_true());
    if (!json_object_get(p->doc, "userType"))
        json_object_set_new(p->doc, "userType", json_string("Member"));
    if (!json_object_get(p->doc, "otherMails"))
        json_object_set_new(p->doc, "otherMails", json_array());
    if (!json_object_get(p->doc, "identities"))
        json_object_set_new(p->doc, "identities", json_array());
    if (identities_has_local(json_object_get(p->doc, "identities")))
        json_object_set_new(p->doc, "creationType", json_string("LocalAccount"));
    if (!json_object_get(p->doc, "userPrincipalName")) {
        snprintf(upn, sizeof(upn), "%s@%s", id, p->ctx->default_domain);
        json_object_set_new(p->doc, "userPrincipalName", json_string(upn));
    }
}

enum porch_err users_prepare_create(const struct users_ctx *ctx, const json_t *body,
                                    struct users_result *out, struct porch_error *e)
{
    enum porch_err err;
    struct prep p = {ctx, NULL, json_object(), NULL, out, e};
    json_t *empty = json_object();

    memset(out, 0, sizeof(*out));
    out->changes = json_array();
    err = apply_body(&p, body);
    if (err == PORCH_OK)
        err = create_required(&p, body);
    if (err != PORCH_OK)
        goto out;
    snprintf(out->row.tenant_id, sizeof(out->row.tenant_id), "%s", ctx->tenant_id);
    uuid_v4(out->row.id);
    create_defaults(&p, out->row.id);
    doc_to_row(p.doc, &out->row);
    out->row.created_at = ctx->now;
    out->row.sessions_valid_from = ctx->now;
    out->columns_changed = true;
    out->identities_changed = out->row.nidentities > 0;
    diff_changes(body, empty, p.doc, out->changes);
out:
    json_decref(p.doc);
    json_decref(empty);
    return err;
}

enum porch_err users_prepare_update(const struct users_ctx *ctx, const struct user_row *current,
                                    const json_t *body, struct users_result *out,
                                    struct porch_error *e)
{
    enum porch_err err;
    struct prep p = {ctx, current, NULL, NULL, out, e};
    json_t *before = NULL;

    memset(out, 0, sizeof(*out));
    out->changes = json_array();
    err = row_to_doc(current, &before);
    if (err != PORCH_OK)
        goto out;
    p.doc = json_deep_copy(before);
    err = apply_body(&p, body);
    if (err != PORCH_OK)
        goto out;
    memcpy(out->row.tenant_id, current->tenant_id, sizeof(out->row.tenant_id));
    memcpy(out->row.id, current->id, sizeof(out->row.id));
    doc_to_row(p.doc, &out->row);
    out->row.password_hash = current->password_hash ? xstrdup(current->password_hash) : NULL;
    out->row.password_changed_at = current->password_changed_at;
    out->row.sessions_valid_from = current->sessions_valid_from;
    out->row.created_at = current->created_at;
    diff_changes(body, before, p.doc, out->changes);
    out->identities_changed =
        !json_equal(json_object_get(before, "identities"), json_object_get(p.doc, "identities"));
    json_object_del(before, "identities");
    json_object_del(p.doc, "identities");
    out->columns_changed = !json_equal(before, p.doc);
out:
    json_decref(before);
    json_decref(p.doc);
    return err;
}

void users_result_release(struct users_result *r)
{
    if (!r)
        return;
    store_user_row_release(&r->row);
    json_decref(r->changes);
    memset(r, 0, sizeof(*r));
}

static void set_time(json_t *doc, const char *key, int64_t t)
{
    char iso[32];

    if (t)
        json_object_set_new(doc, key, json_string(clock_format_iso(t, iso, sizeof(iso))));
    else
        json_object_set_new(doc, key, json_null());
}

enum porch_err users_to_json(const struct user_row *u, const char *default_domain, json_t **out)
{
    enum porch_err err;
    json_t *doc = NULL;

    err = row_to_doc(u, &doc);
    if (err != PORCH_OK) {
        *out = NULL;
        return err;
    }
    json_object_set_new(doc, "id", json_string(u->id));
    if (!u->display_name || !*u->display_name)
        json_object_set_new(doc, "displayName", json_null());
    if (!json_object_get(doc, "otherMails"))
        json_object_set_new(doc, "otherMails", json_array());
    if (!json_object_get(doc, "creationType"))
        json_object_set_new(doc, "creationType", json_null());
    json_array_append_new(json_object_get(doc, "identities"),
                          json_pack("{s:s, s:s, s:s}", "signInType", "userPrincipalName", "issuer",
                                    default_domain, "issuerAssignedId",
                                    u->user_principal_name ? u->user_principal_name : ""));
    json_object_set_new(doc, "passwordProfile", json_null());
    set_time(doc, "createdDateTime", u->created_at);
    set_time(doc, "deletedDateTime", u->deleted_at);
    set_time(doc, "lastPasswordChangeDateTime", u->password_changed_at);
    set_time(doc, "signInSessionsValidFromDateTime", u->sessions_valid_from);
    *out = doc;
    return PORCH_OK;
}
