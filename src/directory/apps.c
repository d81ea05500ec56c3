/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application creation with Graph's defaults. The JSON kept in the store holds every Graph
 * property except the ones that are columns (id, appId, displayName, createdDateTime), so
 * the management API can return an application exactly as Graph would.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "directory/apps.h"
#include "directory/graph_api.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "store/app.h"
#include "store/assignment.h"
#include "store/sp.h"
#include "core/banned.h"

/* Serializes j (stolen) compactly in member order; caller frees. */
static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

    json_decref(j);
    if (!s)
        PORCH_BUG("cannot serialize application json");
    return s;
}

static json_t *web_json(void)
{
    return json_pack("{s:n, s:{s:b, s:b}, s:n, s:[], s:[]}", "homePageUrl", "implicitGrantSettings",
                     "enableAccessTokenIssuance", 0, "enableIdTokenIssuance", 0, "logoutUrl",
                     "redirectUris", "redirectUriSettings");
}

json_t *apps_default_data(void)
{
    json_t *j = json_pack(
        "{s:[], s:{s:n, s:[], s:[], s:[], s:i}, s:[], s:n, s:n, s:n, s:n, s:[], s:{s:n, s:n, s:n,"
        " s:n, s:n}, s:b, s:[], s:s, s:n, s:b, s:n, s:[], s:{s:[]}, s:[], s:s, s:{s:[]}, s:[],"
        " s:n}",
        "addIns", "api", "acceptMappedClaims", "knownClientApplications", "oauth2PermissionScopes",
        "preAuthorizedApplications", "requestedAccessTokenVersion", 2, "appRoles",
        "defaultRedirectUri", "description", "groupMembershipClaims", "notes", "identifierUris",
        "info", "logoUrl", "marketingUrl", "privacyStatementUrl", "supportUrl", "termsOfServiceUrl",
        "isFallbackPublicClient", 0, "keyCredentials", "nativeAuthenticationApisEnabled", "none",
        "optionalClaims", "oauth2RequirePostResponse", 0, "tokenEncryptionKeyId",
        "passwordCredentials", "publicClient", "redirectUris", "requiredResourceAccess",
        "signInAudience", "AzureADMyOrg", "spa", "redirectUris", "tags",
        "serviceManagementReference");

    json_object_set_new(j, "web", web_json());
    return j;
}

static char *app_data(void)
{
    return dump(apps_default_data());
}

/* Copies a member of from (or an empty array) into to under name. */
static void mirror(json_t *to, const char *name, json_t *v)
{
    json_object_set_new(to, name, json_is_array(v) ? json_deep_copy(v) : json_array());
}

void apps_sp_mirror(json_t *sp_data, const char *app_id, const char *display_name, json_t *app_data)
{
    json_t *names = json_pack("[s]", app_id), *uris = json_object_get(app_data, "identifierUris");
    json_t *v;
    size_t i;

    json_array_foreach(uris, i, v)
    {
        if (json_is_string(v) && json_array_size(names) < STORE_SP_MAX_NAMES)
            json_array_append(names, v);
    }
    json_object_set_new(sp_data, "servicePrincipalNames", names);
    json_object_set_new(sp_data, "appDisplayName", json_string(display_name));
    mirror(sp_data, "appRoles", json_object_get(app_data, "appRoles"));
    mirror(sp_data, "oauth2PermissionScopes",
           json_object_get(json_object_get(app_data, "api"), "oauth2PermissionScopes"));
}

static json_t *sp_json(const char *tenant_id, const char *app_id, const char *display_name)
{
    return json_pack("{s:b, s:s, s:s, s:b, s:[], s:[], s:[s], s:s, s:s, s:[], s:[], s:[],"
                     " s:[]}",
                     "accountEnabled", 1, "appDisplayName", display_name, "appOwnerOrganizationId",
                     tenant_id, "appRoleAssignmentRequired", 0, "appRoles",
                     "oauth2PermissionScopes", "servicePrincipalNames", app_id,
                     "servicePrincipalType", "Application", "signInAudience", "AzureADMyOrg",
                     "tags", "keyCredentials", "passwordCredentials", "replyUrls");
}

static enum porch_err insert_sp(struct db_conn *c, const char *tenant_id, const char *app_id,
                                const char *display_name, json_t *app_data,
                                char sp_id[UUID_STR_LEN])
{
    struct sp_row s = {.account_enabled = true, .created_at = clock_now()};
    json_t *d = sp_json(tenant_id, app_id, display_name);
    enum porch_err err;

    if (app_data)
        apps_sp_mirror(d, app_id, display_name, app_data);
    snprintf(s.tenant_id, sizeof(s.tenant_id), "%s", tenant_id);
    uuid_v4(sp_id);
    memcpy(s.id, sp_id, sizeof(s.id));
    snprintf(s.app_id, sizeof(s.app_id), "%s", app_id);
    s.display_name = xstrdup(display_name);
    s.data = dump(d);
    err = store_sp_insert(c, &s);
    store_sp_row_release(&s);
    return err;
}

enum porch_err apps_create_sp(struct db_conn *c, const struct app_row *app,
                              char sp_id[UUID_STR_LEN])
{
    json_t *data = json_loads(app->data ? app->data : "{}", 0, NULL);
    enum porch_err err = insert_sp(c, app->tenant_id, app->app_id, app->display_name,
                                   json_is_object(data) ? data : NULL, sp_id);

    json_decref(data);
    return err;
}

enum porch_err apps_create(struct db_conn *c, const char *tenant_id, const char *display_name,
                           struct apps_created *out)
{
    struct app_row a = {.created_at = clock_now()};
    enum porch_err err;
    size_t n = display_name ? strlen(display_name) : 0;

    memset(out, 0, sizeof(*out));
    if (n == 0 || n > 256)
        return PORCH_E_INVALID;
    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tenant_id);
    uuid_v4(out->id);
    uuid_v4(out->app_id);
    memcpy(a.id, out->id, sizeof(a.id));
    memcpy(a.app_id, out->app_id, sizeof(a.app_id));
    a.display_name = xstrdup(display_name);
    a.data = app_data();
    err = store_app_insert(c, &a);
    if (err == PORCH_OK)
        err = insert_sp(c, tenant_id, out->app_id, display_name, NULL, out->sp_id);
    store_app_row_release(&a);
    return err;
}

/* Assigns every Graph app role to the principal sp_id. */
static enum porch_err assign_all_roles(struct db_conn *c, const char *tenant_id,
                                       const char *graph_sp_id, const char *sp_id)
{
    struct assignment_row a = {.principal_type = "ServicePrincipal",
                               .principal_display_name = (char *)(uintptr_t)APPS_BOOTSTRAP_NAME,
                               .resource_display_name = (char *)(uintptr_t)GRAPH_DISPLAY_NAME,
                               .created_at = clock_now()};
    enum porch_err err = PORCH_OK;

    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tenant_id);
    snprintf(a.principal_id, sizeof(a.principal_id), "%s", sp_id);
    snprintf(a.resource_id, sizeof(a.resource_id), "%s", graph_sp_id);
    for (size_t i = 0; err == PORCH_OK && i < graph_nroles; i++) {
        uuid_v4(a.id);
        snprintf(a.app_role_id, sizeof(a.app_role_id), "%s", graph_roles[i].id);
        err = store_assignment_insert(c, &a);
    }
    return err;
}

enum porch_err apps_bootstrap_admin(struct db_conn *c, const char *tenant_id,
                                    const char *graph_sp_id, struct apps_bootstrap *out)
{
    enum porch_err err = apps_create(c, tenant_id, APPS_BOOTSTRAP_NAME, &out->app);

    if (err == PORCH_OK)
        err = credentials_add_password(c, tenant_id, out->app.app_id, "bootstrap", 0, 0,
                                       &out->password);
    if (err == PORCH_OK)
        err = assign_all_roles(c, tenant_id, graph_sp_id, out->app.sp_id);
    return err;
}
