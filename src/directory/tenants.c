/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tenant validation and creation. A subdomain is one DNS label and becomes the first path
 * segment of every URL of the tenant, so names that collide with fixed top-level paths
 * (v1.0, healthz, …) or with Entra's well-known tenant aliases are refused.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "directory/tenants.h"
#include "directory/graph_api.h"
#include "directory/keyring.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "db/db.h"
#include "core/banned.h"

static const char *const reserved[] = {
    "common", "organizations", "consumers", "v1", "beta", "healthz", "readyz", "admin", "api",
    "static", "assets", "error", "well-known", "oauth2", "discovery", "metrics", "porch",
};

static bool subdomain_valid(const char *s)
{
    size_t n = strlen(s);

    if (n < 2 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(isalnum(ch) || ch == '-') || ch > 0x7f)
            return false;
    }
    return true;
}

static bool display_name_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 256)
        return false;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    }
    return true;
}

enum porch_err tenants_prepare(const struct tenant_spec *spec, struct tenant *t,
                               struct porch_error *e)
{
    const char *country = spec->country ? spec->country : "US";
    size_t i;

    memset(t, 0, sizeof(*t));
    if (!spec->display_name || !display_name_valid(spec->display_name))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "tenant name: 1 to 256 characters without control characters");
    if (!spec->subdomain || !subdomain_valid(spec->subdomain))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "subdomain: 2 to 63 letters, digits or '-', not starting or ending with '-'");
    for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        if (strcasecmp(spec->subdomain, reserved[i]) == 0)
            return PORCH_ERROR_SET(e, PORCH_E_INVALID, "subdomain: '%s' is reserved",
                                   spec->subdomain);
    }
    if (strlen(country) != 2 || !isalpha((unsigned char)country[0]) ||
        !isalpha((unsigned char)country[1]))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "country: a two-letter ISO 3166 code such as US or NL");
    if (strlen(spec->subdomain) + 1 + strlen(spec->domain_suffix) >= sizeof(t->default_domain))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "subdomain: too long for the domain suffix");
    uuid_v4(t->id);
    for (i = 0; spec->subdomain[i]; i++)
        t->subdomain[i] = (char)tolower((unsigned char)spec->subdomain[i]);
    snprintf(t->display_name, sizeof(t->display_name), "%s", spec->display_name);
    t->country[0] = (char)toupper((unsigned char)country[0]);
    t->country[1] = (char)toupper((unsigned char)country[1]);
    snprintf(t->default_domain, sizeof(t->default_domain), "%s.%s", t->subdomain,
             spec->domain_suffix);
    for (i = 0; t->default_domain[i]; i++)
        t->default_domain[i] = (char)tolower((unsigned char)t->default_domain[i]);
    t->created_at = clock_now();
    return PORCH_OK;
}

struct create_ctx {
    const struct secretbox *sb;
    const struct tenant *t;
    const struct tenant_spec *spec;
};

static enum porch_err create_tx(struct db_conn *c, void *arg)
{
    struct create_ctx *cc = arg;
    char graph_sp[UUID_STR_LEN];
    enum porch_err err = store_tenant_insert(c, cc->t);

    if (err == PORCH_OK)
        err = keyring_add(c, cc->sb, cc->t->id, "RS256", cc->t->created_at, NULL);
    if (err == PORCH_OK)
        err = graph_api_ensure(c, cc->t->id, cc->spec->public_url, graph_sp);
    if (err == PORCH_OK && cc->spec->then)
        err = cc->spec->then(c, cc->t, graph_sp, cc->spec->then_ctx);
    return err;
}

enum porch_err tenants_create(struct db_conn *c, const struct secretbox *sb,
                              const struct tenant_spec *spec, struct tenant *out,
                              struct porch_error *e)
{
    struct tenant t;
    struct create_ctx cc = {sb, &t, spec};
    enum porch_err err = tenants_prepare(spec, &t, e);

    if (err != PORCH_OK)
        return err;
    err = db_tx(c, true, create_tx, &cc);
    if (err == PORCH_E_CONFLICT)
        return PORCH_ERROR_SET(e, err, "a tenant with subdomain '%s' already exists", t.subdomain);
    if (err != PORCH_OK)
        return PORCH_ERROR_SET(e, err, "cannot create tenant '%s': %s", t.subdomain,
                               porch_err_str(err));
    if (out)
        *out = t;
    return PORCH_OK;
}
