/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sign-in identities of a user (Graph objectIdentity) and userPrincipalName syntax, per
 * entra-compat §2.5. users.c applies them to POST/PATCH bodies; sign-up and import use the same
 * rules. The classes and their normalization are store_user_identity_class()'s.
 */
#ifndef PORCH_IDENTITIES_H
#define PORCH_IDENTITIES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/err.h"

#define IDENTITIES_UPN_MAX       113 /* bytes of a userPrincipalName */
#define IDENTITIES_UPN_LOCAL_MAX 64
#define IDENTITIES_ISSUER_MAX    512
#define IDENTITIES_VALUE_MAX     512 /* code points of a federated issuerAssignedId */
#define IDENTITIES_USERNAME_MAX  64

/**
 * Checks a userPrincipalName: local@domain where domain is default_domain (any case) and the
 * local part is 1..64 letters, digits and ' . - _ ! # ^ ~ with no dot at either end or two in
 * a row. Writes it with the domain lower-cased into out. Thread-safe.
 */
bool identities_upn_normalize(const char *upn, const char *default_domain,
                              char out[IDENTITIES_UPN_MAX + 1]);

/**
 * Validates a Graph identities array (at most max entries) and returns in *out (new
 * reference, caller json_decref) the normalized collection to store: signInType spelled
 * canonically, local identities' issuer set to default_domain, no userPrincipalName entry.
 * The issuerAssignedId of a userPrincipalName entry is returned in *upn (borrowed from in, not
 * yet checked: use identities_upn_normalize), else *upn is NULL. Refuses, with
 * PORCH_E_INVALID and a Graph-style message in e, a wrong type, unknown keys, a bad email or
 * username, a local identity with another issuer, a federated one without issuer, and two
 * entries that the store's unique index would see as the same. Thread-safe.
 */
enum porch_err identities_normalize(const json_t *in, const char *default_domain, size_t max,
                                    json_t **out, const char **upn, struct porch_error *e);

/** True when the normalized collection list holds an emailAddress* or userName identity. */
bool identities_has_local(const json_t *list);

#endif
