/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users of an external tenant: validation and normalization of a Graph user body for create
 * (POST /users) and update (PATCH /users/{id}), and the Graph JSON of a stored user. Pure
 * functions over jansson values; no HTTP and no store access, so the graph/ handler decides
 * transactions, password hashing (password_policy_hash) and auditing.
 *
 * Rules (entra-compat §2.5), each refused with PORCH_E_INVALID and a Graph-style message in e:
 * - identities: at most USERS_MAX_IDENTITIES, no two with the same (class, issuer, value).
 *   "emailAddress…" needs a valid email (email.h), "userName" 1..64 of letters, digits, '-'
 *   and '_' starting with a letter or digit; both are local identities whose issuer must be the
 *   tenant's default domain (missing or any case is accepted and stored as the default domain;
 *   another domain is refused). "federated" and custom types need an issuer (<= 512) and a
 *   non-empty issuerAssignedId (<= 512). "userPrincipalName" mirrors the userPrincipalName
 *   property: it sets it (and must agree with it when both are given) and is not stored as an
 *   identity; users_to_json() adds it back on read. Strings of known types are canonicalized
 *   ("username" → "userName").
 * - passwordProfile {password, forceChangePasswordNextSignIn,
 * forceChangePasswordNextSignInWithMfa}: forceChangePasswordNextSignIn must be false when the user
 * has a local identity. The password is handed back in the result, unchecked: the caller runs
 * password_policy_hash().
 * - passwordPolicies: "DisablePasswordExpiration" or "None" (comma lists allowed);
 *   "DisableStrongPassword" is refused (the policy cannot be weakened). Local-account users must
 *   have "DisablePasswordExpiration", which is also their default.
 * - Required on create: with a local identity, passwordProfile.password; without identities
 *   the generic set accountEnabled, displayName, mailNickname, passwordProfile and
 *   userPrincipalName ("A value is required for property 'X' of resource 'User'."); with only
 *   federated identities, nothing.
 * - Types and values: a wrong JSON type or a bad value gives "Invalid value specified for
 *   property 'X' of resource 'User'."; string lengths are code points (displayName <= 256, the
 *   others as Graph documents them); mail and otherMails are emails; userPrincipalName is
 *   local@<default domain> with a local part of at most 64 characters of letters, digits and
 *   ' . - _ ! # ^ ~ (the domain is stored lower-case). Unknown properties are refused
 *   ("The property 'X' does not exist on type 'microsoft.graph.user'. …").
 * - Read-only properties: creationType, signInSessionsValidFromDateTime and
 *   refreshTokensValidFromDateTime are refused ("Property 'X' is read-only and cannot be set.",
 *   since setting them would change security state); id is refused on create and ignored on
 *   update when it names the user itself; createdDateTime, deletedDateTime,
 *   lastPasswordChangeDateTime, signInActivity, proxyAddresses, imAddresses,
 *   securityIdentifier and "@odata.*" annotations other than @odata.type are ignored, so a body
 *   read from GET can be sent back. @odata.type must be #microsoft.graph.user.
 * - Directory extensions extension_<32 hex>_<name> take a string (<= 256 characters), a
 *   boolean, an integer, or null (removes it); at most USERS_MAX_EXTENSIONS. Whether the name is
 *   registered is asked through users_ctx.extension_check.
 * Defaults on create: id a new GUID, accountEnabled true, userType "Member", creationType
 * "LocalAccount" when there is a local identity (else null), otherMails [], and
 * userPrincipalName "<id>@<default domain>" (Graph generates "cpim_<guid>@domain" for customer
 * accounts; Porch uses the object id itself, which is just as unique and easier to trace).
 */
#ifndef PORCH_USERS_H
#define PORCH_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"
#include "store/user.h"

#define USERS_MAX_IDENTITIES   10
#define USERS_DISPLAY_NAME_MAX 256
#define USERS_MAX_EXTENSIONS   100
#define USERS_EXTENSION_MAX    256 /* characters of a string extension value */

/**
 * The hook for directory extension attributes: called with each extension_… property of a body
 * (value is null when the body removes it). Return PORCH_OK to accept, or PORCH_E_INVALID with
 * a message in e to refuse. Until the extension-property registry exists this is NULL and any
 * well-formed name is accepted.
 */
typedef enum porch_err (*users_extension_check_fn)(void *ctx, const char *name, const json_t *value,
                                                   struct porch_error *e);

/* What the rules need to know about the tenant. Borrowed for the call. */
struct users_ctx {
    const char *tenant_id;
    const char *default_domain;               /* lower-case, e.g. "contoso.porch.example" */
    int64_t now;                              /* created_at and sessions_valid_from of new users */
    users_extension_check_fn extension_check; /* NULL: accept every well-formed name */
    void *extension_ctx;
};

/* A validated body. Release with users_result_release. */
struct users_result {
    struct user_row row;     /* the whole normalized user, ready for store_user_insert/update */
    const char *password;    /* passwordProfile.password, borrowed from the body; NULL if absent */
    size_t password_len;     /* bytes (it may contain a NUL, which the policy refuses) */
    bool columns_changed;    /* update: a column or data changed (store_user_update) */
    bool identities_changed; /* update: identities replaced (store_user_replace_identities) */
    /*
     * The audit log's modifiedProperties: [{"displayName": "<property>", "oldValue": <JSON text
     * or null>, "newValue": <JSON text or null>}], one per property that changed, in body
     * order. passwordProfile appears with both values null; a password never appears.
     */
    json_t *changes;
};

/**
 * Validates and normalizes body (a JSON object) for POST /users into out, which the caller
 * releases with users_result_release (also after a failure). out->row has a new id, the
 * tenant id, created_at = sessions_valid_from = ctx->now, no password hash yet.
 * PORCH_E_INVALID with the message for the client in e. Thread-safe.
 */
enum porch_err users_prepare_create(const struct users_ctx *ctx, const json_t *body,
                                    struct users_result *out, struct porch_error *e);

/**
 * Validates body for PATCH of the stored user current and computes the new row (current with
 * the body applied: omitted properties keep their values, null clears the nullable ones, and
 * identities replace the whole collection). The password, if any, is returned as on create.
 * PORCH_E_INVALID with the message in e. Thread-safe.
 */
enum porch_err users_prepare_update(const struct users_ctx *ctx, const struct user_row *current,
                                    const json_t *body, struct users_result *out,
                                    struct porch_error *e);

/** Frees what out holds; it may be reused. */
void users_result_release(struct users_result *r);

/**
 * The Graph user object of u with every property (before $select): columns, data, identities
 * with the userPrincipalName identity added, id, createdDateTime, deletedDateTime,
 * lastPasswordChangeDateTime, signInSessionsValidFromDateTime, otherMails (never null) and
 * passwordProfile null. Never includes the password hash. *out is a new reference (caller
 * json_decref). PORCH_E_STORE when u->data is not a JSON object.
 */
enum porch_err users_to_json(const struct user_row *u, const char *default_domain, json_t **out);

#endif
