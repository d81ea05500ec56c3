/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Applications Porch registers in every tenant that `porch init` or `porch tenant create`
 * makes. The "Porch token viewer" is a public client (spa platform: PKCE, no secret) whose
 * redirect URI is Porch's own page /{tenant-id}/tokenviewer (ui/tokenviewer.c), so a new tenant
 * can be tried with nothing but a browser. Its appId is the same in every tenant, which is how
 * the page knows its client id; otherwise it is an ordinary application that the management API
 * lists, edits (to add redirect URIs for other hosts) and deletes.
 */
#ifndef PORCH_BUILTIN_APPS_H
#define PORCH_BUILTIN_APPS_H

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

#endif
