/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `porch init` and `porch tenant create|list|show`. init and create are the same operation;
 * init is the name the quick start uses for a fresh data directory. Creating a tenant also
 * creates, in the same transaction, its bootstrap administrator client ("Porch bootstrap
 * admin", holding every management role), the "Porch token viewer" application
 * (directory/builtin_apps.h) and, with --demo-user, a demo user; the client secret and the
 * demo user's password are printed once, here, and never again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "crypto/ct.h"
#include "db/db.h"
#include "directory/apps.h"
#include "directory/builtin_apps.h"
#include "directory/demo_user.h"
#include "directory/tenants.h"
#include "core/banned.h"

/* The tenant as CLI output: the record plus the URLs an operator needs next. */
static json_t *tenant_json(const struct config *cfg, const struct tenant *t)
{
    char iso[32], url[1024];
    json_t *j = json_object();

    json_object_set_new(j, "tenantId", json_string(t->id));
    json_object_set_new(j, "subdomain", json_string(t->subdomain));
    json_object_set_new(j, "displayName", json_string(t->display_name));
    json_object_set_new(j, "country", json_string(t->country));
    json_object_set_new(j, "defaultDomain", json_string(t->default_domain));
    json_object_set_new(j, "createdDateTime", json_string(clock_format_iso(t->created_at, iso, sizeof(iso))));
    snprintf(url, sizeof(url), "%s/%s/v2.0", cfg->public_url, t->id);
    json_object_set_new(j, "issuer", json_string(url));
    snprintf(url, sizeof(url), "%s/%s/v2.0/.well-known/openid-configuration", cfg->public_url, t->id);
    json_object_set_new(j, "discoveryUrl", json_string(url));
    snprintf(url, sizeof(url), "%s/%s/discovery/v2.0/keys", cfg->public_url, t->id);
    json_object_set_new(j, "jwksUri", json_string(url));
    snprintf(url, sizeof(url), "%s/%s/oauth2/v2.0/token", cfg->public_url, t->id);
    json_object_set_new(j, "tokenEndpoint", json_string(url));
    snprintf(url, sizeof(url), "%s/v1.0", cfg->public_url);
    json_object_set_new(j, "graphBaseUrl", json_string(url));
    builtin_apps_b2c_app_id(t->id, url);
    json_object_set_new(j, "b2cExtensionsAppId", json_string(url));
    return j;
}

static void print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s)
        puts(s);
    free(s);
}

/* What creating a tenant made besides the tenant, for the output. */
struct created {
    struct apps_bootstrap boot;
    struct builtin_apps_viewer viewer;
    struct demo_user *demo; /* NULL without --demo-user */
    const char *const *bases;
    size_t nbases;
    struct porch_error *e;
};

/* Adds what create made to j: the bootstrap client, the token viewer and the demo user. */
static void created_json(json_t *j, const struct created *x)
{
    json_object_set_new(j, "clientId", json_string(x->boot.app.app_id));
    json_object_set_new(j, "clientSecret", json_string(x->boot.password.secret));
    json_object_set_new(j, "tokenViewerAppId", json_string(x->viewer.app.app_id));
    if (x->viewer.nuris > 0)
        json_object_set_new(j, "tokenViewerUrl", json_string(x->viewer.uris[0]));
    if (x->demo) {
        json_object_set_new(j, "demoUserId", json_string(x->demo->id));
        json_object_set_new(j, "demoUserEmail", json_string(x->demo->email));
        json_object_set_new(j, "demoUserPassword", json_string(x->demo->password));
    }
}

/* Prints t; x (what create made, or NULL) adds the new tenant's client, viewer and demo user. */
static void print_tenant(const struct config *cfg, const struct tenant *t, bool as_json,
                         bool with_paths, const struct created *x)
{
    json_t *j = tenant_json(cfg, t);

    if (with_paths) {
        json_object_set_new(j, "db", json_string(cfg->db));
        json_object_set_new(j, "dataDir", json_string(cfg->data_dir));
    }
    if (x)
        created_json(j, x);
    if (as_json) {
        print_json(j);
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) printf("%-16s %s\n", k, json_string_value(v));
    }
    json_decref(j);
}

static enum porch_err populate(struct db_conn *c, const struct tenant *t,
                               const char graph_sp_id[UUID_STR_LEN], void *ctx)
{
    struct created *x = ctx;
    enum porch_err err = apps_bootstrap_admin(c, t->id, graph_sp_id, &x->boot);

    if (err == PORCH_OK)
        err = builtin_apps_token_viewer(c, t->id, x->bases, x->nbases, &x->viewer);
    if (err == PORCH_OK)
        err = builtin_apps_b2c_extensions(c, t->id, NULL);
    if (err == PORCH_OK && x->demo)
        err = demo_user_insert(c, t, x->demo, x->e);
    return err;
}

/* Appends s to bases (up to BUILTIN_APPS_MAX_URIS) unless it is there already. */
static void add_base(char bases[][256], size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(bases[i], s) == 0)
            return;
    }
    if (*n < BUILTIN_APPS_MAX_URIS && strlen(s) < sizeof(bases[0]))
        snprintf(bases[(*n)++], sizeof(bases[0]), "%s", s);
}

/*
 * The base URLs the token viewer is registered for: the public URL and, when --public-url was
 * not given (it is then derived from --listen, possibly a wildcard address a browser cannot
 * use), the two loopback names of the listening port, which is what `make run` opens.
 * builtin_apps_token_viewer drops the ones the spa platform refuses (plain http elsewhere).
 */
static size_t viewer_bases(const struct config *cfg, char bases[][256])
{
    const char *scheme = cfg->tls_cert ? "https" : "http";
    char derived[300], loop[64];
    size_t n = 0;

    add_base(bases, &n, cfg->public_url);
    snprintf(derived, sizeof(derived), "%s://%s", scheme, cfg->listen);
    if (strcmp(derived, cfg->public_url) != 0)
        return n;
    snprintf(loop, sizeof(loop), "%s://localhost:%u", scheme, (unsigned)cfg->listen_port);
    add_base(bases, &n, loop);
    snprintf(loop, sizeof(loop), "%s://127.0.0.1:%u", scheme, (unsigned)cfg->listen_port);
    add_base(bases, &n, loop);
    return n;
}

static int create(struct cli *c)
{
    const char *name = NULL, *sub = NULL, *country = NULL, *demo_email = NULL;
    bool as_json = false;
    const struct cli_opt opts[] = {{"tenant-name", &name, NULL}, {"subdomain", &sub, NULL},
                                   {"country", &country, NULL},  {"demo-user", &demo_email, NULL},
                                   {"json", NULL, &as_json},     {NULL, NULL, NULL}};
    char bases[BUILTIN_APPS_MAX_URIS][256];
    const char *base_ptrs[BUILTIN_APPS_MAX_URIS];
    struct tenant_spec spec;
    struct tenant t;
    struct created x;
    struct demo_user demo;
    struct porch_error e = {0};
    struct db_conn *conn = NULL;
    enum porch_err err = PORCH_OK;
    int rc = cli_parse(c, opts, NULL, 0);

    if (rc)
        return rc;
    if (!name || !sub) {
        fprintf(stderr, "porch: --tenant-name and --subdomain are required\n");
        return 2;
    }
    memset(&x, 0, sizeof(x));
    memset(&demo, 0, sizeof(demo));
    x.nbases = viewer_bases(&c->cfg, bases);
    for (size_t i = 0; i < x.nbases; i++)
        base_ptrs[i] = bases[i];
    x.bases = base_ptrs;
    x.e = &e;
    spec = (struct tenant_spec){
        name, sub, country, c->cfg.tenant_domain_suffix, c->cfg.public_url, populate, &x};
    if (demo_email) {
        /* hashing takes a while: before the transaction, and once even if it is retried */
        err = demo_user_prepare(demo_email, name, &demo, &e);
        x.demo = &demo;
    }
    if (err == PORCH_OK)
        err = db_acquire(c->db, &conn);
    if (err == PORCH_OK)
        err = tenants_create(conn, c->sb, &spec, &t, &e);
    if (conn)
        db_release(conn);
    if (err == PORCH_OK) {
        print_tenant(&c->cfg, &t, as_json, true, &x);
        if (x.viewer.nuris == 0)
            fprintf(stderr,
                    "porch: note: the token viewer has no redirect URI: %s is not https "
                    "or loopback; add one through the management API\n",
                    c->cfg.public_url);
    }
    ct_cleanse(&x, sizeof(x));
    demo_user_release(&demo);
    if (err != PORCH_OK)
        return cli_fail("%s", e.msg[0] ? e.msg : porch_err_str(err));
    return 0;
}

int cli_init(struct cli *c)
{
    return create(c);
}

static enum porch_err add_one(const struct tenant *t, void *ctx)
{
    void **args = ctx;
    json_array_append_new(args[1], tenant_json(args[0], t));
    return PORCH_OK;
}

static int list(struct cli *c)
{
    bool as_json = false;
    const struct cli_opt opts[] = {{"json", NULL, &as_json}, {NULL, NULL, NULL}};
    json_t *arr = json_array();
    struct db_conn *conn = NULL;
    void *args[2] = {&c->cfg, arr};
    enum porch_err err;
    int rc = cli_parse(c, opts, NULL, 0);

    if (rc)
        goto out;
    err = db_acquire(c->db, &conn);
    if (err == PORCH_OK)
        err = store_tenant_list(conn, add_one, args);
    if (err != PORCH_OK) {
        rc = cli_fail("cannot list tenants: %s", porch_err_str(err));
        goto out;
    }
    if (as_json) {
        print_json(arr);
    } else {
        size_t i;
        json_t *t;
        json_array_foreach(arr, i, t) printf("%s  %-24s %s\n",
                                             json_string_value(json_object_get(t, "tenantId")),
                                             json_string_value(json_object_get(t, "subdomain")),
                                             json_string_value(json_object_get(t, "displayName")));
    }
out:
    if (conn)
        db_release(conn);
    json_decref(arr);
    return rc;
}

static int show(struct cli *c)
{
    bool as_json = false;
    const struct cli_opt opts[] = {{"json", NULL, &as_json}, {NULL, NULL, NULL}};
    const char *ref = NULL;
    struct db_conn *conn = NULL;
    struct tenant t;
    enum porch_err err;
    int rc = cli_parse(c, opts, &ref, 1);

    if (rc)
        return rc;
    if (!ref) {
        fprintf(stderr, "porch: tenant show: which tenant? (id, subdomain or domain)\n");
        return 2;
    }
    err = db_acquire(c->db, &conn);
    if (err == PORCH_OK)
        err = store_tenant_find(conn, ref, &t);
    if (conn)
        db_release(conn);
    if (err == PORCH_E_NOT_FOUND)
        return cli_fail("no tenant '%s'", ref);
    if (err != PORCH_OK)
        return cli_fail("cannot read tenant '%s': %s", ref, porch_err_str(err));
    print_tenant(&c->cfg, &t, as_json, false, NULL);
    return 0;
}

int cli_tenant(struct cli *c)
{
    const char *sub = c->argc > 1 ? c->argv[1] : "";

    c->argc--;
    c->argv++;
    if (strcmp(sub, "create") == 0)
        return create(c);
    if (strcmp(sub, "list") == 0)
        return list(c);
    if (strcmp(sub, "show") == 0)
        return show(c);
    fprintf(stderr, "porch: tenant: expected create, list or show\n");
    return 2;
}
