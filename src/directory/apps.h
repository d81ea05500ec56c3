/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application registrations as a domain concept (minimal for now: the full validation of
 * Graph application bodies comes with the management API). An application is created with
 * Graph's defaults and its service principal, and the bootstrap contract of `porch init`
 * (an administrator client holding every management role) is built from these pieces.
 */
#ifndef PORCH_APPS_H
#define PORCH_APPS_H

#include "core/err.h"
#include "core/uuid.h"
#include "directory/credentials.h"

struct db_conn;

/* Display name of the application `porch init` creates. */
#define APPS_BOOTSTRAP_NAME "Porch bootstrap admin"

struct apps_created {
    char id[UUID_STR_LEN];     /* application object id */
    char app_id[UUID_STR_LEN]; /* appId (client id) */
    char sp_id[UUID_STR_LEN];  /* its service principal's object id */
};

/**
 * Creates an application named display_name (new id and appId, createdDateTime now,
 * signInAudience "AzureADMyOrg", empty identifierUris, appRoles, keyCredentials,
 * passwordCredentials, redirect URI lists, api.oauth2PermissionScopes, requiredResourceAccess
 * …) and its service principal (appRoleAssignmentRequired false, servicePrincipalType
 * "Application", servicePrincipalNames [appId]). Several statements: run it inside the
 * caller's db_tx. PORCH_E_INVALID for an empty display name or one over 256 bytes.
 * passwordCredentials in the stored JSON stays empty: passwords live in their own table
 * (store/credential.h) and the management API merges them in.
 */
enum porch_err apps_create(struct db_conn *c, const char *tenant_id, const char *display_name,
                           struct apps_created *out);

/* The bootstrap administrator client: its ids and its one password (shown once). */
struct apps_bootstrap {
    struct apps_created app;
    struct credentials_password password;
};

/**
 * Creates APPS_BOOTSTRAP_NAME with a password credential and assigns every Graph app role
 * (directory/graph_api.h) to its service principal (principalType "ServicePrincipal", resource
 * graph_sp_id). Run it inside the caller's db_tx (tenant creation's). The caller wipes
 * out->password.secret after showing it.
 */
enum porch_err apps_bootstrap_admin(struct db_conn *c, const char *tenant_id,
                                    const char *graph_sp_id, struct apps_bootstrap *out);

#endif
