/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user repository: a user row (the columns Graph filters, orders and looks up by, plus one
 * JSON text column with every other property) and its sign-in identities. The unique index on
 * user_identities (tenant, sign-in class, issuer key, normalized id) decides whether an email,
 * username or federated subject is free, so two concurrent sign-ups cannot both take one.
 *
 * Identity classes (store_user_identity_class): signInType "emailAddress…" and "userName" are
 * 'local' (issuer key = the tenant id, id lower-cased: one namespace for emails and usernames in
 * a tenant); every other signInType is 'federated' (issuer key = lower-cased issuer, id exactly
 * as given, because IdP subjects are case-sensitive). The userPrincipalName sign-in type is
 * not stored here: it mirrors the user_principal_name column, which has its own unique index.
 *
 * Every function filters by tenant id. Soft-deleted rows (deleted_at set) are invisible to get,
 * find, list, count and update. Thread-safety is that of the connection passed in.
 *
 * ---- List queries: what the OData layer may put into a `struct store_query` ----
 * store_user_list()/store_user_count() run
 *   SELECT … FROM users WHERE users.tenant_id = ? AND users.deleted_at IS NULL AND (<where>)
 *   ORDER BY <order_by> LIMIT ? OFFSET ?
 * so `where` may name these columns of `users` (qualify them as users.<col> inside lambdas):
 *   Graph property       column                      bind / comparison
 *   id                   id                          text, exact (GUIDs are stored lower-case)
 *   displayName          display_name_lower          ascii-lower-cased text (eq, startswith)
 *   givenName            given_name                  text, exact
 *   surname              surname                     text, exact
 *   mail                 mail_lower                  ascii-lower-cased text (eq, startswith)
 *   userPrincipalName    upn_lower                   ascii-lower-cased text (eq, startswith)
 *   accountEnabled       account_enabled             integer 0/1
 *   creationType         creation_type               text, exact; NULL when unset
 *   userType             user_type                   text, exact ("Member", "Guest")
 *   createdDateTime      created_at                  integer, seconds since the epoch
 * startswith(p, 'v') is `<col> LIKE ? ESCAPE '!'` with store_user_like_prefix(v).
 * Graph compares strings case-insensitively; the *_lower columns make that an indexed equality.
 *
 * Lambdas over identities, `identities/any(c: <cond>)`, become
 *   EXISTS (SELECT 1 FROM user_identities ui WHERE ui.tenant_id = users.tenant_id
 *           AND ui.user_id = users.id AND (<cond>))
 * where <cond> uses only these columns of alias ui:
 *   c/signInType         LOWER(ui.sign_in_type) = ?   ascii-lower-cased value
 *   c/issuer             ui.issuer_lower = ?            ascii-lower-cased issuer
 *   c/issuerAssignedId   ui.id_lower = ?                ascii-lower-cased value
 * (STORE_USER_IDENTITY_EXISTS_OPEN and _CLOSE below spell the wrapper). Conditions inside the
 * subquery must qualify columns with ui., since users and user_identities share column names.
 * Plans (SQLite EXPLAIN): the list walks the (tenant_id, display_name_lower, id) or
 * (tenant_id, created_at, id) index and probes user_identities_id (tenant_id, id_lower) per row;
 * NEEDSWORK: for tenants far beyond 10k users a semi-join form bound to the tenant
 * (users.id IN (SELECT ui.user_id FROM user_identities ui WHERE ui.tenant_id = ? AND …)) is
 * cheaper. Graph ignores the issuer of local identities in such filters; local identities are
 * stored with the tenant's default domain as issuer, which is what clients send.
 *
 * $search ("displayName:jo", "mail:bob") is `display_name_lower LIKE ? ESCAPE '!'` or
 * `mail_lower LIKE ? ESCAPE '!'` with store_user_like_contains(term), ANDed into where.
 *
 * Orders (each ends in the unique id, and each is backed by an index on (tenant_id, …, id)):
 *   $orderby=displayName [asc|desc]      "display_name_lower ASC, id ASC" / "… DESC, id DESC"
 *   $orderby=createdDateTime [asc|desc]  "created_at ASC, id ASC" / "created_at DESC, id DESC"
 *   default (order_by NULL or "")        "display_name_lower ASC, id ASC"
 */
#ifndef PORCH_STORE_USER_H
#define PORCH_STORE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "db/db.h"
#include "store/query.h"

/* Most identities one user may have in the store (the directory layer allows fewer). */
#define STORE_USER_IDENTITIES_MAX 32
/* Most rows one store_user_list call returns. */
#define STORE_USER_LIST_MAX 1000

/* The wrapper of a lambda filter over identities: OPEN, the condition, CLOSE. */
#define STORE_USER_IDENTITY_EXISTS_OPEN                                                            \
    "EXISTS (SELECT 1 FROM user_identities ui WHERE ui.tenant_id = users.tenant_id"                \
    " AND ui.user_id = users.id AND ("
#define STORE_USER_IDENTITY_EXISTS_CLOSE "))"
/* $search fragments; bind store_user_like_contains(term). */
#define STORE_USER_SEARCH_DISPLAY_NAME "display_name_lower LIKE ? ESCAPE '!'"
#define STORE_USER_SEARCH_MAIL         "mail_lower LIKE ? ESCAPE '!'"
/* The default list order. */
#define STORE_USER_ORDER_DEFAULT "display_name_lower ASC, id ASC"

enum store_user_class { STORE_USER_LOCAL, STORE_USER_FEDERATED };

/* One sign-in identity, as Graph's objectIdentity. Strings are heap-owned by the row. */
struct user_identity {
    char *sign_in_type;       /* "emailAddress", "userName", "federated", … */
    char *issuer;             /* local: the tenant's default domain */
    char *issuer_assigned_id; /* as entered (case kept for display) */
};

/*
 * A user. Heap strings belong to the row (release with store_user_row_release); NULL means
 * the Graph property is null. display_name is "" when the user has none.
 */
struct user_row {
    char tenant_id[UUID_STR_LEN];
    char id[UUID_STR_LEN];
    char *display_name;
    char *given_name;
    char *surname;
    char *mail;
    char *user_principal_name;
    bool account_enabled;
    char *creation_type;         /* "LocalAccount", …; NULL */
    char *user_type;             /* "Member" or "Guest" */
    char *password_hash;         /* PHC string; NULL = no password. Never filled by list. */
    int64_t password_changed_at; /* 0 = never */
    int64_t sessions_valid_from; /* sessions and tokens issued before this are void */
    int64_t created_at;
    int64_t deleted_at; /* 0 = not deleted */
    char *data;         /* JSON object text of every other Graph property; never a password */
    struct user_identity *identities;
    size_t nidentities;
};

/** Frees the heap members of u and zeroes it. NULL is a no-op. */
void store_user_row_release(struct user_row *u);
/** Frees rows returned by store_user_list (each released, then the array). */
void store_user_rows_free(struct user_row *rows, size_t n);

/** The identity class of a signInType (ASCII case-insensitive). */
enum store_user_class store_user_identity_class(const char *sign_in_type);

/**
 * Inserts u and its identities in one transaction of its own. Columns are stored as given
 * (lower-cased twins computed here). PORCH_E_INVALID (message in e) when a required field is
 * missing or a count is too large; PORCH_E_CONFLICT when the id or user principal name is
 * taken ("Another object with the same value for property userPrincipalName already exists.")
 * or an identity is ("… property identities already exists.", naming no value); nothing is
 * written then. PORCH_E_BUSY/PORCH_E_STORE from the database.
 */
enum porch_err store_user_insert(struct db_conn *c, const struct user_row *u,
                                 struct porch_error *e);
/** store_user_insert's statements only, for a caller that runs them inside its own db_tx(). */
enum porch_err store_user_insert_in_tx(struct db_conn *c, const struct user_row *u,
                                       struct porch_error *e);

/**
 * Loads the live user tenant_id/id with its identities and password hash into out (release
 * with store_user_row_release; zeroed on failure). PORCH_E_NOT_FOUND when there is none.
 */
enum porch_err store_user_get(struct db_conn *c, const char *tenant_id, const char *id,
                              struct user_row *out);

/**
 * Sign-in lookup: the live user that owns the identity (sign_in_type, issuer,
 * issuer_assigned_id), normalized as the class of sign_in_type says (for local identities the
 * issuer is ignored and the value compared lower-cased, so "userName" finds an emailAddress
 * identity with the same text too). Loads as store_user_get. PORCH_E_NOT_FOUND when none.
 */
enum porch_err store_user_find_by_identity(struct db_conn *c, const char *tenant_id,
                                           const char *sign_in_type, const char *issuer,
                                           const char *issuer_assigned_id, struct user_row *out);

/**
 * Writes every column of u (display_name … user_type, data; not identities, password or
 * timestamps) to the live row tenant_id/id. PORCH_E_NOT_FOUND when there is none,
 * PORCH_E_CONFLICT (message in e) when the new user principal name is taken.
 */
enum porch_err store_user_update(struct db_conn *c, const struct user_row *u,
                                 struct porch_error *e);

/**
 * Replaces the whole identity collection of user tenant_id/id with the n identities at ids,
 * in one transaction of its own: on PORCH_E_CONFLICT (message in e, naming no value) the old
 * collection stays. PORCH_E_NOT_FOUND when the user does not exist.
 */
enum porch_err store_user_replace_identities(struct db_conn *c, const char *tenant_id,
                                             const char *user_id, const struct user_identity *ids,
                                             size_t n, struct porch_error *e);
/** store_user_replace_identities's statements only, inside the caller's db_tx(). */
enum porch_err store_user_replace_identities_in_tx(struct db_conn *c, const char *tenant_id,
                                                   const char *user_id,
                                                   const struct user_identity *ids, size_t n,
                                                   struct porch_error *e);

/** Deletes the user and, by cascade, its identities. PORCH_E_NOT_FOUND when there is none. */
enum porch_err store_user_delete(struct db_conn *c, const char *tenant_id, const char *id);

/**
 * Sets the password hash (a PHC string, or NULL to remove the password) and
 * password_changed_at. PORCH_E_NOT_FOUND when the user does not exist.
 */
enum porch_err store_user_set_password(struct db_conn *c, const char *tenant_id, const char *id,
                                       const char *hash, int64_t changed_at);

/** Sets account_enabled. PORCH_E_NOT_FOUND when the user does not exist. */
enum porch_err store_user_set_enabled(struct db_conn *c, const char *tenant_id, const char *id,
                                      bool enabled);

/**
 * revokeSignInSessions: sets sessions_valid_from to now, so sign-in code rejects sessions and
 * refresh tokens issued earlier. PORCH_E_NOT_FOUND when the user does not exist.
 */
enum porch_err store_user_revoke_sessions(struct db_conn *c, const char *tenant_id, const char *id,
                                          int64_t now);

/**
 * Lists the live users of tenant_id matching q (see the top of this file; q may be NULL for
 * all, default order, STORE_USER_LIST_MAX rows), with their identities but without password
 * hashes. *rows (caller frees with store_user_rows_free; NULL when none) and *n are set.
 * PORCH_E_TOO_BIG when q->limit exceeds STORE_USER_LIST_MAX, PORCH_E_STORE when the fragment
 * does not compile.
 */
enum porch_err store_user_list(struct db_conn *c, const char *tenant_id,
                               const struct store_query *q, struct user_row **rows, size_t *n);

/** Counts the live users of tenant_id matching q->where (order and window ignored). */
enum porch_err store_user_count(struct db_conn *c, const char *tenant_id,
                                const struct store_query *q, int64_t *count);

/**
 * The LIKE pattern for startswith(prop, value): value ASCII-lower-cased, with '!', '%' and '_'
 * escaped by '!', then '%'. Use with `<col> LIKE ? ESCAPE '!'`. Caller frees.
 */
char *store_user_like_prefix(const char *value);
/** The same for a $search term: '%' + escaped term + '%'. Caller frees. */
char *store_user_like_contains(const char *term);
/** value ASCII-lower-cased, for binds against the *_lower columns. Caller frees. */
char *store_user_lower(const char *value);

#endif
