/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in Graph service principal. Role and scope ids are Microsoft Graph's own (they
 * are the same in every Entra tenant), so scripts that grant permissions by id, as
 * `az ad app permission add` and Terraform do, work unchanged. Every id below was checked
 * against public Graph permission listings (permissions reference, Graph service principal
 * dumps); none is invented.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "directory/graph_api.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "store/sp.h"
#include "core/banned.h"

const struct graph_role graph_roles[] = {
    {"Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Read all applications",
     "Allows the app to read all applications and service principals without a signed-in user."},
    {"Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
     "Read and write all applications",
     "Allows the app to create, read, update and delete applications and service principals "
     "without a signed-in user."},
    {"User.Read.All", "df021288-bdef-4463-88db-98f22de89214", "Read all users' full profiles",
     "Allows the app to read user profiles without a signed in user."},
    {"User.ReadWrite.All", "741f803b-c850-494e-b5df-cde7c675a1ca",
     "Read and write all users' full profiles",
     "Allows the app to read and update user profiles without a signed in user."},
    {"Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Read directory data",
     "Allows the app to read data in your organization's directory, such as users, groups and "
     "apps, without a signed-in user."},
    {"Directory.ReadWrite.All", "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
     "Read and write directory data",
     "Allows the app to read and write data in your organization's directory, such as users, "
     "and groups, without a signed-in user. Does not allow user or group deletion."},
    {"Organization.Read.All", "498476ce-e0fe-48b0-b801-37ba7e2685c6",
     "Read organization information",
     "Allows the app to read the organization and related resources, without a signed-in user."},
    {"Organization.ReadWrite.All", "292d869f-3427-49a8-9dab-8c70152b74e9",
     "Read and write organization information",
     "Allows the app to read and write the organization and related resources, without a "
     "signed-in user."},
    {"IdentityProvider.Read.All", "e321f0bb-e7f7-481e-bb28-e3b0b32d4bd0", "Read identity providers",
     "Allows the app to read your organization's identity (authentication) providers' "
     "properties without a signed in user."},
    {"IdentityProvider.ReadWrite.All", "90db2b9a-d928-4d33-a4dd-8442ae3d41e4",
     "Read and write identity providers",
     "Allows the app to read and write your organization's identity (authentication) "
     "providers' properties without a signed in user."},
    {"IdentityUserFlow.Read.All", "1b0c317f-dd31-4305-9932-259a8b6e8099",
     "Read all identity user flows",
     "Allows the app to read your organization's user flows, without a signed-in user."},
    {"IdentityUserFlow.ReadWrite.All", "65319a09-a2be-469d-8782-f6b07debf789",
     "Read and write all identity user flows",
     "Allows the app to read or write your organization's user flows, without a signed-in "
     "user."},
    {"EventListener.Read.All", "b7f6385c-6ce6-4639-a480-e23c42ed9784",
     "Read all authentication event listeners",
     "Allows the app to read your organization's authentication event listeners without a "
     "signed-in user."},
    {"EventListener.ReadWrite.All", "0edf5e9e-4ce8-468a-8432-d08631d18c43",
     "Read and write all authentication event listeners",
     "Allows the app to read or write your organization's authentication event listeners "
     "without a signed-in user."},
    {"Policy.Read.All", "246dd0d5-5bd0-4def-940b-0421030a5b68", "Read your organization's policies",
     "Allows the app to read all your organization's policies without a signed in user."},
    {"Policy.ReadWrite.AuthenticationFlows", "25f85f3c-f66c-4205-8cd5-de92dd7f0cec",
     "Read and write authentication flow policies",
     "Allows the app to read and write all authentication flow policies for the tenant, "
     "without a signed-in user."},
    {"CustomAuthenticationExtension.Read.All", "88bb2658-5d9e-454f-aacd-a3933e079526",
     "Read all custom authentication extensions",
     "Allows the app to read your organization's custom authentication extensions without a "
     "signed-in user."},
    {"CustomAuthenticationExtension.ReadWrite.All", "c2667967-7050-4e7e-b059-4cbbb3811d03",
     "Read and write all custom authentication extensions",
     "Allows the app to read or write your organization's custom authentication extensions "
     "without a signed-in user."},
    {"AuditLog.Read.All", "b0afded3-3588-46d8-8b3d-9842eff778da", "Read all audit log data",
     "Allows the app to read and query your audit log activities, without a signed-in user."},
    {"AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f",
     "Manage app permission grants and app role assignments",
     "Allows the app to manage permission grants for application permissions to any API and "
     "application assignments for any app, without a signed-in user."},
    {"DelegatedPermissionGrant.ReadWrite.All", "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
     "Manage all delegated permission grants",
     "Allows the app to manage permission grants for delegated permissions exposed by any API "
     "(including Microsoft Graph), without a signed-in user."},
};
const size_t graph_nroles = sizeof(graph_roles) / sizeof(graph_roles[0]);

const struct graph_scope graph_scopes[] = {
    {"User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User", "Sign in and read user profile",
     "Sign you in and read your profile"},
    {"openid", "37f7f235-527c-4136-accd-4a02d197296e", "User", "Sign users in", "Sign you in"},
    {"profile", "14dad69e-099b-42c9-810b-d002981feec1", "User", "View users' basic profile",
     "View your basic profile"},
    {"email", "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "User", "View users' email address",
     "View your email address"},
    {"offline_access", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "User",
     "Maintain access to data you have given it access to",
     "Maintain access to data you have given it access to"},
};
const size_t graph_nscopes = sizeof(graph_scopes) / sizeof(graph_scopes[0]);

const struct graph_role *graph_role_by_value(const char *value)
{
    for (size_t i = 0; value && i < graph_nroles; i++) {
        if (strcmp(graph_roles[i].value, value) == 0)
            return &graph_roles[i];
    }
    return NULL;
}

const struct graph_role *graph_role_by_id(const char *id)
{
    for (size_t i = 0; id && i < graph_nroles; i++) {
        if (strcmp(graph_roles[i].id, id) == 0)
            return &graph_roles[i];
    }
    return NULL;
}

static json_t *roles_json(void)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < graph_nroles; i++) {
        const struct graph_role *r = &graph_roles[i];
        json_array_append_new(arr, json_pack("{s:[s], s:s, s:s, s:s, s:b, s:s, s:s}",
                                             "allowedMemberTypes", "Application", "description",
                                             r->description, "displayName", r->display_name, "id",
                                             r->id, "isEnabled", 1, "origin", "Application",
                                             "value", r->value));
    }
    return arr;
}

static json_t *scopes_json(void)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < graph_nscopes; i++) {
        const struct graph_scope *s = &graph_scopes[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "adminConsentDescription",
                           s->admin_display_name, "adminConsentDisplayName", s->admin_display_name,
                           "id", s->id, "isEnabled", 1, "type", s->type, "userConsentDescription",
                           s->user_display_name, "userConsentDisplayName", s->user_display_name,
                           "value", s->value));
    }
    return arr;
}

/* The Graph properties of the service principal other than its columns. Caller frees. */
static char *sp_data(const char *public_url)
{
    json_t *names = json_pack("[s]", GRAPH_RESOURCE_URI);
    json_t *j;
    char *s;

    if (public_url && *public_url && strcmp(public_url, GRAPH_RESOURCE_URI) != 0)
        json_array_append_new(names, json_string(public_url));
    json_array_append_new(names, json_string(GRAPH_APP_ID));
    j = json_pack("{s:b, s:s, s:b, s:o, s:o, s:o, s:s, s:s, s:[], s:[], s:[], s:[]}",
                  "accountEnabled", 1, "appDisplayName", GRAPH_DISPLAY_NAME,
                  "appRoleAssignmentRequired", 0, "servicePrincipalNames", names, "appRoles",
                  roles_json(), "oauth2PermissionScopes", scopes_json(), "servicePrincipalType",
                  "Application", "signInAudience", "AzureADMultipleOrgs", "tags", "keyCredentials",
                  "passwordCredentials", "replyUrls");
    s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (!s)
        PORCH_BUG("cannot serialize the graph service principal");
    return s;
}

enum porch_err graph_api_ensure(struct db_conn *c, const char *tenant_id, const char *public_url,
                                char sp_id_out[UUID_STR_LEN])
{
    struct sp_row s;
    enum porch_err err = store_sp_get_by_app_id(c, tenant_id, GRAPH_APP_ID, &s);

    if (err == PORCH_E_NOT_FOUND) {
        snprintf(s.tenant_id, sizeof(s.tenant_id), "%s", tenant_id);
        uuid_v4(s.id);
        snprintf(s.app_id, sizeof(s.app_id), "%s", GRAPH_APP_ID);
        s.display_name = xstrdup(GRAPH_DISPLAY_NAME);
        s.account_enabled = true;
        s.created_at = clock_now();
        s.data = sp_data(public_url);
        err = store_sp_insert(c, &s);
    }
    if (err == PORCH_OK && sp_id_out)
        snprintf(sp_id_out, UUID_STR_LEN, "%s", s.id);
    store_sp_row_release(&s);
    return err;
}
