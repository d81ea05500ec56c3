/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application registrations as a domain concept (minimal for now: the full validation of
 * Graph application bodies comes with the management API). An application is created with
 * Graph's defaults and its service principal, and the bootstrap contract of `porch init`
 * (an administrator client holding every management role) is built from these pieces.
 */
#ifndef PORCH_APPS_H
#define PORCH_APPS_H

#include <jansson.h>

#include "core/err.h"
#include "core/uuid.h"
#include "directory/credentials.h"
#include "store/app.h"

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

/**
 * Graph's defaults for a new application: every property kept in the store's data column
 * (all but id, appId, displayName and createdDateTime), as apps_create stores them. Caller
 * owns the result. Thread-safe.
 */
json_t *apps_default_data(void);

/**
 * Creates the service principal of the stored application app: appId and displayName from it,
 * Graph's service principal defaults, and the mirrored properties of apps_sp_mirror. Several
 * statements: run it inside the caller's db_tx. sp_id gets the new object id.
 * PORCH_E_CONFLICT when the application already has one or another service principal holds
 * one of its identifierUris.
 */
enum porch_err apps_create_sp(struct db_conn *c, const struct app_row *app,
                              char sp_id[UUID_STR_LEN]);

/**
 * Sets the properties a service principal mirrors from its application in sp_data:
 * servicePrincipalNames (appId, then the identifierUris), appDisplayName, appRoles and
 * oauth2PermissionScopes (from api), copied from app_data (borrowed). Token requests resolve
 * `<identifierUri>/.default` and role values through these.
 */
void apps_sp_mirror(json_t *sp_data, const char *app_id, const char *display_name,
                    json_t *app_data);

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
