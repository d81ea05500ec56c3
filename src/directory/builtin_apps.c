/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The applications every new tenant gets besides the bootstrap administrator. They are built
 * from the same defaults as a Graph POST /applications, so the management API shows and edits
 * them like any other application (except that it cannot delete the b2c-extensions-app).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "directory/builtin_apps.h"
#include "core/clock.h"
#include "crypto/digest.h"
#include "core/xalloc.h"
#include "store/app.h"
#include "core/banned.h"

#define VIEWER_NOTES                                                                               \
    "Created by porch: signs in to this tenant and shows the claims of the ID and access "         \
    "tokens at /{tenant-id}/tokenviewer. Add redirect URIs for other hosts, or delete it."

/* Fills out->uris from bases, keeping the ones the spa platform accepts. */
static void viewer_uris(const char *tenant_id, const char *const *bases, size_t nbases,
                        struct builtin_apps_viewer *out)
{
    for (size_t i = 0; i < nbases; i++) {
        char *u = out->uris[out->nuris];
        int n = snprintf(u, sizeof(out->uris[0]), "%s/%s%s", bases[i], tenant_id,
                         PORCH_TOKEN_VIEWER_PATH);

        if (n < 0 || (size_t)n >= sizeof(out->uris[0]) ||
            redirect_uri_check(u, REDIRECT_URI_SPA, NULL) != PORCH_OK) {
            u[0] = '\0';
            continue;
        }
        out->nuris++;
    }
}

/* The application's data column: Graph's defaults, the notes and the spa redirect URIs. */
static char *viewer_data(const struct builtin_apps_viewer *v)
{
    json_t *d = apps_default_data(), *uris = json_array();
    char *s;

    for (size_t i = 0; i < v->nuris; i++)
        json_array_append_new(uris, json_string(v->uris[i]));
    json_object_set_new(json_object_get(d, "spa"), "redirectUris", uris);
    json_object_set_new(d, "notes", json_string(VIEWER_NOTES));
    s = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(d);
    if (!s)
        PORCH_BUG("cannot serialize application json");
    return s;
}

enum porch_err builtin_apps_token_viewer(struct db_conn *c, const char *tenant_id,
                                         const char *const *bases, size_t nbases,
                                         struct builtin_apps_viewer *out)
{
    struct app_row a = {.created_at = clock_now()};
    enum porch_err err;

    memset(out, 0, sizeof(*out));
    if (nbases > BUILTIN_APPS_MAX_URIS)
        return PORCH_E_INVALID;
    viewer_uris(tenant_id, bases, nbases, out);
    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tenant_id);
    uuid_v4(out->app.id);
    snprintf(out->app.app_id, sizeof(out->app.app_id), "%s", PORCH_TOKEN_VIEWER_APP_ID);
    memcpy(a.id, out->app.id, sizeof(a.id));
    memcpy(a.app_id, out->app.app_id, sizeof(a.app_id));
    a.display_name = xstrdup(PORCH_TOKEN_VIEWER_NAME);
    a.data = viewer_data(out);
    err = store_app_insert(c, &a);
    if (err == PORCH_OK)
        err = apps_create_sp(c, &a, out->app.sp_id);
    store_app_row_release(&a);
    return err;
}

#define B2C_NOTES                                                                                  \
    "Created by porch: the tenant's custom user attributes (identity/userFlowAttributes) are "     \
    "its extension properties. It cannot be deleted."

void builtin_apps_b2c_app_id(const char *tenant_id, char out[UUID_STR_LEN])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char h[DIGEST_SHA256_LEN];
    char in[64 + UUID_STR_LEN];
    size_t o = 0;
    int n = snprintf(in, sizeof(in), "porch b2c-extensions-app %s", tenant_id);

    digest_sha256(in, n > 0 ? (size_t)n : 0, h);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[h[i] >> 4];
        out[o++] = hex[h[i] & 0x0f];
    }
    out[o] = '\0';
}

void builtin_apps_b2c_prefix(const char *tenant_id, char out[BUILTIN_APPS_B2C_PREFIX_LEN])
{
    char id[UUID_STR_LEN];
    size_t o = sizeof("extension_") - 1;

    builtin_apps_b2c_app_id(tenant_id, id);
    memcpy(out, "extension_", o);
    for (const char *p = id; *p; p++)
        if (*p != '-')
            out[o++] = *p;
    out[o++] = '_';
    out[o] = '\0';
}

bool builtin_apps_is_b2c_extensions(const char *tenant_id, const char *app_id)
{
    char id[UUID_STR_LEN];

    builtin_apps_b2c_app_id(tenant_id, id);
    return app_id && strcasecmp(id, app_id) == 0;
}

static char *b2c_data(void)
{
    json_t *d = apps_default_data();
    char *s;

    json_object_set_new(d, "notes", json_string(B2C_NOTES));
    s = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(d);
    if (!s)
        PORCH_BUG("cannot serialize application json");
    return s;
}

enum porch_err builtin_apps_b2c_extensions(struct db_conn *c, const char *tenant_id,
                                           struct apps_created *out)
{
    struct app_row a = {.created_at = clock_now()};
    struct apps_created ids;
    enum porch_err err;

    memset(&ids, 0, sizeof(ids));
    builtin_apps_b2c_app_id(tenant_id, ids.app_id);
    err = store_app_get_by_app_id(c, tenant_id, ids.app_id, &a);
    if (err == PORCH_OK)
        memcpy(ids.id, a.id, sizeof(ids.id));
    store_app_row_release(&a);
    if (err != PORCH_E_NOT_FOUND)
        goto out;
    memset(&a, 0, sizeof(a));
    a.created_at = clock_now();
    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tenant_id);
    uuid_v4(ids.id);
    memcpy(a.id, ids.id, sizeof(a.id));
    memcpy(a.app_id, ids.app_id, sizeof(a.app_id));
    a.display_name = xstrdup(PORCH_B2C_EXTENSIONS_APP_NAME);
    a.data = b2c_data();
    err = store_app_insert(c, &a);
    if (err == PORCH_OK)
        err = apps_create_sp(c, &a, ids.sp_id);
    store_app_row_release(&a);
out:
    if (out)
        *out = ids;
    return err;
}
