/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The organization resource. A tenant is one organization: id, display name, country and
 * creation time come from the tenant row, the writable notification and privacy properties
 * from its JSON data column, and the one verified domain from the default domain. PATCH takes
 * displayName, marketingNotificationEmails, privacyProfile, securityComplianceNotificationMails,
 * securityComplianceNotificationPhones and technicalNotificationMails; id is ignored; every
 * other known property is read-only and rejected with 400.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "graph/organization.h"
#include "core/log.h"
#include "db/db.h"
#include "http/req.h"
#include "http/server.h"
#include "oidc/tenant_docs.h"
#include "store/tenant.h"
#include "core/banned.h"

#define SET "organization"

/* Properties stored in tenants.data, each an array of strings except privacyProfile. */
static const char *const data_props[] = {
    "marketingNotificationEmails",         "privacyProfile",
    "securityComplianceNotificationMails", "securityComplianceNotificationPhones",
    "technicalNotificationMails",          NULL,
};

static const char *const org_props[] = {
    "id",
    "deletedDateTime",
    "assignedPlans",
    "businessPhones",
    "city",
    "country",
    "countryLetterCode",
    "createdDateTime",
    "defaultUsageLocation",
    "displayName",
    "marketingNotificationEmails",
    "onPremisesLastSyncDateTime",
    "onPremisesSyncEnabled",
    "postalCode",
    "preferredLanguage",
    "privacyProfile",
    "provisionedPlans",
    "securityComplianceNotificationMails",
    "securityComplianceNotificationPhones",
    "state",
    "street",
    "technicalNotificationMails",
    "tenantType",
    "verifiedDomains",
    NULL,
};

static const struct odata_schema org_schema = {
    .type_name = "organization",
    .resource = "Organization",
    .props = org_props,
    .tiebreak = "id",
};

static const struct graph_prop org_write[] = {
    {"displayName", GRAPH_T_STRING, 0, 256},
    {"marketingNotificationEmails", GRAPH_T_STRINGS, 0, 320},
    {"privacyProfile", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"securityComplianceNotificationMails", GRAPH_T_STRINGS, 0, 320},
    {"securityComplianceNotificationPhones", GRAPH_T_STRINGS, 0, 64},
    {"technicalNotificationMails", GRAPH_T_STRINGS, 0, 320},
    {"id", GRAPH_T_STRING, GRAPH_P_IGNORED, 0},
    {"deletedDateTime", GRAPH_T_DATETIME, GRAPH_P_READONLY, 0},
    {"assignedPlans", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"businessPhones", GRAPH_T_STRINGS, GRAPH_P_READONLY, 0},
    {"city", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"country", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"countryLetterCode", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"createdDateTime", GRAPH_T_DATETIME, GRAPH_P_READONLY, 0},
    {"defaultUsageLocation", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"onPremisesLastSyncDateTime", GRAPH_T_DATETIME, GRAPH_P_READONLY, 0},
    {"onPremisesSyncEnabled", GRAPH_T_BOOL, GRAPH_P_READONLY, 0},
    {"postalCode", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"preferredLanguage", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"provisionedPlans", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"state", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"street", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"tenantType", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"verifiedDomains", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
};

static const struct graph_type org_type = {
    "organization", "Organization", org_write, sizeof(org_write) / sizeof(org_write[0]), 0,
};

static json_t *verified_domains(const struct tenant *t)
{
    return json_pack("[{s:s, s:s, s:b, s:b, s:s}]", "capabilities",
                     "Email, OfficeCommunicationsOnline", "name", t->default_domain, "isDefault", 1,
                     "isInitial", 1, "type", "Managed");
}

/* The organization object of t with the stored properties of data (borrowed). */
static json_t *org_json(const struct tenant *t, json_t *data)
{
    json_t *o =
        json_pack("{s:s, s:n, s:[], s:[], s:n, s:n, s:s, s:o, s:n, s:s}", "id", t->id,
                  "deletedDateTime", "assignedPlans", "businessPhones", "city", "country",
                  "countryLetterCode", t->country, "createdDateTime", graph_datetime(t->created_at),
                  "defaultUsageLocation", "displayName", t->display_name);

    for (size_t i = 0; data_props[i]; i++) {
        json_t *v = json_object_get(data, data_props[i]);
        bool profile = strcmp(data_props[i], "privacyProfile") == 0;
        json_object_set_new(o, data_props[i],
                            v         ? json_incref(v)
                            : profile ? json_null()
                                      : json_array());
    }
    json_object_set_new(o, "onPremisesLastSyncDateTime", json_null());
    json_object_set_new(o, "onPremisesSyncEnabled", json_null());
    json_object_set_new(o, "postalCode", json_null());
    json_object_set_new(o, "preferredLanguage", json_null());
    json_object_set_new(o, "provisionedPlans", json_array());
    json_object_set_new(o, "state", json_null());
    json_object_set_new(o, "street", json_null());
    json_object_set_new(o, "tenantType", json_string("CIAM"));
    json_object_set_new(o, "verifiedDomains", verified_domains(t));
    return o;
}

/* Reads the caller's tenant and its data from the store (fresh, not the cached copy). */
static enum porch_err load(struct db_conn *c, const char *id, struct tenant *t, json_t **data)
{
    char *text = NULL;
    enum porch_err err = store_tenant_find(c, id, t);

    if (err == PORCH_OK)
        err = store_tenant_data_get(c, t->id, &text);
    if (err == PORCH_OK) {
        *data = json_loads(text, 0, NULL);
        if (!json_is_object(*data)) {
            json_decref(*data);
            *data = json_object();
        }
    }
    free(text);
    return err;
}

static enum porch_err send_org(struct req *r, struct resp *rs, const struct odata_query *q,
                               bool entity)
{
    struct db_conn *c = NULL;
    struct tenant t;
    json_t *data = NULL, *o;
    enum porch_err err;

    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = load(c, r->auth->tenant_id, &t, &data);
    if (err != PORCH_OK)
        goto out;
    o = org_json(&t, data);
    if (entity)
        err = graph_send_entity(r, rs, SET, q, o);
    else
        err = graph_send_collection(r, rs, SET, q, json_pack("[o]", o), false, 1);
out:
    if (c)
        db_release(c);
    json_decref(data);
    return err;
}

enum porch_err graph_organization_list(struct req *r, struct resp *rs)
{
    struct odata_query q;
    enum porch_err err = odata_parse(r, rs, &org_schema, 0, &q);

    return err == PORCH_OK ? send_org(r, rs, &q, false) : err;
}

/* {id} must be the caller's own tenant: anything else does not exist for this caller. */
static bool own_id(const struct req *r)
{
    return strcasecmp(r->params[0], r->auth->tenant_id) == 0;
}

enum porch_err graph_organization_get(struct req *r, struct resp *rs)
{
    struct odata_query q;
    enum porch_err err;

    if (!own_id(r))
        return graph_not_found(r, rs, r->params[0]);
    err = odata_parse_entity(r, rs, &org_schema, &q);
    return err == PORCH_OK ? send_org(r, rs, &q, true) : err;
}

/* --- PATCH --------------------------------------------------------------------------------- */

struct patch {
    const char *tenant_id;
    json_t *body;    /* checked request body, borrowed */
    json_t *changes; /* modifiedProperties for the audit record */
    bool renamed;
};

static bool privacy_ok(json_t *v)
{
    const char *k;
    json_t *m;

    if (json_is_null(v))
        return true;
    json_object_foreach(v, k, m)
    {
        if ((strcmp(k, "contactEmail") != 0 && strcmp(k, "statementUrl") != 0) ||
            !(json_is_null(m) || (json_is_string(m) && json_string_length(m) <= 2048)))
            return false;
    }
    return true;
}

/* Merges the body into the stored tenant and records what changed (one transaction). */
static enum porch_err apply(struct db_conn *c, void *ctx)
{
    struct patch *p = ctx;
    struct tenant t;
    json_t *data = NULL, *v;
    const char *k, *name;
    char *text = NULL;
    enum porch_err err;

    json_array_clear(p->changes); /* the transaction may run again */
    p->renamed = false;
    err = load(c, p->tenant_id, &t, &data);
    if (err != PORCH_OK)
        goto out;
    name = t.display_name;
    json_object_foreach(p->body, k, v)
    {
        json_t *old = strcmp(k, "displayName") == 0 ? json_string(t.display_name)
                                                    : json_incref(json_object_get(data, k));
        if (old && json_equal(old, v)) {
            json_decref(old);
            continue;
        }
        json_array_append_new(p->changes, graph_audit_change(k, old, json_incref(v)));
        if (strcmp(k, "displayName") == 0) {
            name = json_string_value(v);
            p->renamed = true;
        } else {
            json_object_set(data, k, v);
        }
    }
    text = json_dumps(data, JSON_COMPACT);
    err = text ? store_tenant_update(c, t.id, name, text) : PORCH_E_INTERNAL;
out:
    free(text);
    json_decref(data);
    return err;
}

enum porch_err graph_organization_patch(struct req *r, struct resp *rs)
{
    struct patch p = {r->auth->tenant_id, NULL, json_array(), false};
    struct db_conn *c = NULL;
    json_t *name;
    enum porch_err err;

    if (!own_id(r)) {
        err = graph_not_found(r, rs, r->params[0]);
        goto out;
    }
    err = graph_body_check(r, rs, &org_type, false, &p.body);
    if (err != PORCH_OK)
        goto out;
    name = json_object_get(p.body, "displayName");
    if ((name && json_string_length(name) == 0) ||
        !privacy_ok(json_object_get(p.body, "privacyProfile"))) {
        err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                          "Invalid value specified for property '%s' of resource 'Organization'.",
                          name && json_string_length(name) == 0 ? "displayName" : "privacyProfile");
        goto out;
    }
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = db_tx(c, true, apply, &p);
    if (c)
        db_release(c);
    if (err != PORCH_OK)
        goto out;
    if (p.renamed)
        oidc_invalidate(r->srv->oidc); /* discovery and cached tenant records show the name */
    graph_audit_write(r, "Update organization", "DirectoryManagement", "Update", "Organization",
                      r->auth->tenant_id, json_string_value(name) ? json_string_value(name) : NULL,
                      json_incref(p.changes), true, NULL);
    err = graph_send_no_content(rs);
out:
    json_decref(p.changes);
    return err;
}
