/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Validation of application write bodies beyond the top-level property table: the complex
 * types of entra-compat §2.1 (web, spa, publicClient, api, appRoles, requiredResourceAccess,
 * optionalClaims, info, keyCredentials, …) member by member, redirect URIs per platform,
 * enumerations, unique appRole and permission scope ids and values, and certificates in
 * keyCredentials. Used by graph/applications.c on the merged result of a create or update.
 */
#ifndef PORCH_GRAPH_APPLICATIONS_BODY_H
#define PORCH_GRAPH_APPLICATIONS_BODY_H

#include <jansson.h>

#include "core/err.h"

struct req;
struct resp;

/* Most keyCredentials (certificates) one application may hold. */
#define GRAPH_APPLICATIONS_MAX_KEYS 16

/**
 * Checks data, the application's full property set as it would be stored (displayName
 * included), and normalises what Graph fills in: keyCredentials entries get a keyId when they
 * have none and a customKeyIdentifier (the certificate's SHA-1 thumbprint), and an entry that
 * names the keyId of an entry in old_keys (borrowed, may be NULL) without a key keeps that
 * entry's certificate. Any violation renders 400 Request_BadRequest naming the property
 * (and, for a redirect URI, the URI and the rule) and returns PORCH_E_INVALID. Thread-safe.
 */
enum porch_err graph_applications_body_check(struct req *r, struct resp *rs, json_t *data,
                                             json_t *old_keys);

#endif
