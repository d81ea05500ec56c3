/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Applications Porch registers in every tenant that `porch init` or `porch tenant create`
 * makes. The "Porch token viewer" is a public client (spa platform: PKCE, no secret) whose
 * redirect URI is Porch's own page /{tenant-id}/tokenviewer (ui/tokenviewer.c), so a new tenant
 * can be tried with nothing but a browser. Its appId is the same in every tenant, which is how
 * the page knows its client id; otherwise it is an ordinary application that the management API
 * lists, edits (to add redirect URIs for other hosts) and deletes.
 *
 * The "b2c-extensions-app" is Entra's home of a tenant's custom user attributes (entra-compat
 * §2.4, §2.7): identity/userFlowAttributes declares them as its extension properties, named
 * extension_<its appId without hyphens>_<Name>. Its appId is derived from the tenant id, so it
 * is known without a lookup, differs between tenants (as in Entra) and survives backups; the
 * management API refuses to delete it.
 */
#ifndef PORCH_BUILTIN_APPS_H
#define PORCH_BUILTIN_APPS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "directory/apps.h"
#include "directory/redirect_uri.h"

struct db_conn;

/* The token viewer's appId (client id) in every tenant. */
#define PORCH_TOKEN_VIEWER_APP_ID "d5cd3ad1-0c08-4c4f-bd05-aac892be821b"
/* Its display name. */
#define PORCH_TOKEN_VIEWER_NAME "Porch token viewer"
/* Its page, after the base URL and "/<tenant-id>". */
#define PORCH_TOKEN_VIEWER_PATH "/tokenviewer"
/* Most redirect URIs builtin_apps_token_viewer registers. */
#define BUILTIN_APPS_MAX_URIS 4

/* The b2c-extensions-app's display name, as Entra spells it. */
#define PORCH_B2C_EXTENSIONS_APP_NAME                                                              \
    "b2c-extensions-app. Do not modify. Used by AADB2C for storing user data."
/* Bytes of "extension_<32 hex digits>_" and its terminator. */
#define BUILTIN_APPS_B2C_PREFIX_LEN (sizeof("extension_") - 1 + 32 + 1 + 1)

/* The token viewer as created: its ids and the redirect URIs it got. */
struct builtin_apps_viewer {
    struct apps_created app;
    char uris[BUILTIN_APPS_MAX_URIS][REDIRECT_URI_MAX_LEN + 1];
    size_t nuris;
};

/**
 * Creates PORCH_TOKEN_VIEWER_NAME in tenant_id with appId PORCH_TOKEN_VIEWER_APP_ID, Graph's
 * defaults (apps_default_data), a note saying what it is, and spa.redirectUris
 * "<base>/<tenant_id>/tokenviewer" for each of bases[0..nbases) (base URLs without a trailing
 * slash) that the spa platform accepts (redirect_uri_check; the others are skipped, so
 * out->nuris may be less than nbases, or 0), then its service principal. Several statements:
 * run it inside the caller's db_tx. PORCH_E_INVALID when nbases > BUILTIN_APPS_MAX_URIS,
 * PORCH_E_CONFLICT when the tenant already has an application with that appId.
 */
enum porch_err builtin_apps_token_viewer(struct db_conn *c, const char *tenant_id,
                                         const char *const *bases, size_t nbases,
                                         struct builtin_apps_viewer *out);

/**
 * The appId of tenant_id's b2c-extensions-app: a GUID made of the first 16 bytes of
 * SHA-256("porch b2c-extensions-app " tenant_id) with the version-5 and variant bits set,
 * lower-case. Thread-safe.
 */
void builtin_apps_b2c_app_id(const char *tenant_id, char out[UUID_STR_LEN]);

/** "extension_<appId without hyphens>_" for tenant_id's b2c-extensions-app. Thread-safe. */
void builtin_apps_b2c_prefix(const char *tenant_id, char out[BUILTIN_APPS_B2C_PREFIX_LEN]);

/** True when app_id is tenant_id's b2c-extensions-app's appId (ASCII case-insensitive). */
bool builtin_apps_is_b2c_extensions(const char *tenant_id, const char *app_id);

/**
 * Creates tenant_id's b2c-extensions-app (PORCH_B2C_EXTENSIONS_APP_NAME, appId
 * builtin_apps_b2c_app_id, Graph's defaults, a note) and its service principal unless the
 * application exists (tenants made before it existed get it on first use). out (optional)
 * gets its ids (sp_id empty when it existed). Several statements: run it inside the caller's
 * db_tx.
 */
enum porch_err builtin_apps_b2c_extensions(struct db_conn *c, const char *tenant_id,
                                           struct apps_created *out);

#endif
