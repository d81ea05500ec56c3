/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The journey state machine (DESIGN.md §6), shared by the hosted pages and the native API.
 * A journey is one interactive flow: its kind, its current state, the authorization request it
 * will answer and the data collected so far. Its state changes only through
 * journey_transition(), which looks (kind, state, event) up in one static table, refuses
 * anything the table does not list, and logs from→to, so a step cannot be skipped by posting
 * to a later page. Persistence goes through store/journey.h with an optimistic version check,
 * so two concurrent posts cannot both advance one journey.
 *
 * Each journey has a CSRF token, returned at creation, derivable again from the journey id
 * (journey_csrf_of, so a page can be re-rendered from the cookie) and stored hashed; forms
 * echo it and journey_csrf_verify() compares hashes in constant time.
 *
 * A struct journey is owned by one request at a time; nothing here is shared between threads
 * except the read-only table.
 */
#ifndef PORCH_JOURNEY_H
#define PORCH_JOURNEY_H

#include <stdint.h>

#include <jansson.h>

#include "core/err.h"
#include "core/uuid.h"
#include "crypto/digest.h"
#include "db/db.h"
#include "store/journey.h"

/* Size of a buffer for a journey id or CSRF token. */
#define JOURNEY_TOKEN_LEN STORE_JOURNEY_TOKEN_LEN

enum journey_kind {
    JOURNEY_SIGNIN,
    /* sign-up, password reset and MFA enrolment come here */
    JOURNEY_KIND__COUNT
};

enum journey_state {
    JOURNEY_START,    /* created by /authorize; nothing collected yet */
    JOURNEY_EMAIL,    /* asking for the sign-in name */
    JOURNEY_PASSWORD, /* asking for the password of the account named */
    JOURNEY_KMSI,     /* asking "stay signed in?" */
    JOURNEY_DONE,     /* authenticated: answer the authorization request */
    JOURNEY_FAILED,   /* ended without authentication: answer with an error */
    /* sign-up (attributes, email OTP), reset and MFA states come here */
    JOURNEY_STATE__COUNT
};

enum journey_event {
    JOURNEY_EV_BEGIN,        /* show the first page */
    JOURNEY_EV_SSO,          /* a live SSO session satisfies the request */
    JOURNEY_EV_EMAIL,        /* a sign-in name was submitted */
    JOURNEY_EV_BACK,         /* the user wants to change the sign-in name */
    JOURNEY_EV_PASSWORD_OK,  /* the password was right */
    JOURNEY_EV_PASSWORD_BAD, /* the password was wrong; ask again */
    JOURNEY_EV_KMSI,         /* "stay signed in?" answered either way */
    JOURNEY_EV_FAIL,         /* give up: cancelled, locked out, too many attempts */
    JOURNEY_EVENT__COUNT
};

struct journey {
    char tenant_id[UUID_STR_LEN];
    char id_hash[DIGEST_SHA256_B64URL_LEN];
    char client_id[STORE_CLIENT_ID_LEN];
    char csrf_hash[DIGEST_SHA256_B64URL_LEN];
    enum journey_kind kind;
    enum journey_state state;
    json_t *request; /* owned: the authorization request it will answer (an object) */
    json_t *data;    /* owned: what was collected so far (an object) */
    int64_t created_at;
    int64_t expires_at;
    int64_t version; /* as last read or written; journey_save checks it */
};

/** Lower-case names used in logs and in the store ("signin", "password", "kmsi", …). */
const char *journey_kind_name(enum journey_kind k);
const char *journey_state_name(enum journey_state s);
const char *journey_event_name(enum journey_event e);

/** Frees j's JSON and zeroes it. NULL is a no-op. */
void journey_release(struct journey *j);

/**
 * Creates and stores a journey of kind for client_id in tenant_id, in state START, with a
 * copy of request (an object, borrowed; NULL for {}) and empty data, expiring at now + ttl.
 * Writes the journey id (for the cookie or continuation token) to id_out and the CSRF token
 * to csrf_out; neither is stored. out is filled (release with journey_release). Errors of
 * store_journey_create; PORCH_E_INVALID also for a request that is not an object.
 */
enum porch_err journey_create(struct db_conn *c, const char *tenant_id, enum journey_kind kind,
                              const char *client_id, const json_t *request, int64_t now,
                              int64_t ttl, struct journey *out, char id_out[JOURNEY_TOKEN_LEN],
                              char csrf_out[JOURNEY_TOKEN_LEN]);

/**
 * journey_create, with the BEGIN event applied (through the transition table) before the row
 * is written: the journey is stored once, already on its first page.
 */
enum porch_err journey_start(struct db_conn *c, const char *tenant_id, enum journey_kind kind,
                             const char *client_id, const json_t *request, int64_t now,
                             int64_t ttl, struct journey *out, char id_out[JOURNEY_TOKEN_LEN],
                             char csrf_out[JOURNEY_TOKEN_LEN]);

/**
 * Loads the unexpired journey named by id into out (release with journey_release).
 * PORCH_E_NOT_FOUND when unknown or expired, PORCH_E_STORE when the stored row does not parse.
 */
enum porch_err journey_load(struct db_conn *c, const char *tenant_id, const char *id, int64_t now,
                            struct journey *out);

/**
 * Stores j's state and data if nobody else saved it since j was read, and advances
 * j->version. PORCH_E_CONFLICT when another request moved the journey first (reload and
 * re-judge), PORCH_E_NOT_FOUND when it is gone.
 */
enum porch_err journey_save(struct db_conn *c, struct journey *j);

/**
 * Deletes the finished journey, at most once: PORCH_E_CONFLICT when another request saved or
 * finished it since j was read, PORCH_E_NOT_FOUND when it is gone. Call before issuing the
 * code, so a replayed final post issues nothing.
 */
enum porch_err journey_finish(struct db_conn *c, struct journey *j);

/**
 * Applies event ev to j: moves j->state to the table's target and logs from→to at debug.
 * PORCH_E_DENIED (logged, state unchanged) when the table has no row for (kind, state, ev).
 * Does not store anything; follow with journey_save().
 */
enum porch_err journey_transition(struct journey *j, enum journey_event ev);

/** Writes the CSRF token of the journey named by id (the raw cookie value) to out. */
void journey_csrf_of(const char *id, char out[JOURNEY_TOKEN_LEN]);

/** PORCH_OK when token is j's CSRF token (constant-time), PORCH_E_DENIED otherwise. */
enum porch_err journey_csrf_verify(const struct journey *j, const char *token);

#endif
