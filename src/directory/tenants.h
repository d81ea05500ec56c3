/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tenant rules: what a valid subdomain, display name and country are, and creation of a
 * tenant together with its first signing key in one transaction.
 */
#ifndef PORCH_TENANTS_H
#define PORCH_TENANTS_H

#include <stddef.h>

#include "core/err.h"
#include "store/tenant.h"

#include "core/uuid.h"

struct db_conn;
struct secretbox;

/**
 * Runs inside the creating transaction after the tenant, its key and its built-in Graph
 * service principal (object id graph_sp_id) exist; a status other than PORCH_OK rolls it all
 * back. May run more than once when the transaction is retried.
 */
typedef enum porch_err (*tenant_created_fn)(struct db_conn *c, const struct tenant *t,
                                            const char graph_sp_id[UUID_STR_LEN], void *ctx);

struct tenant_spec {
    const char *display_name;
    const char *subdomain;
    const char *country;       /* ISO 3166 alpha-2; NULL means "US" */
    const char *domain_suffix; /* default domain is <subdomain>.<domain_suffix> */
    const char *public_url;    /* a servicePrincipalName of the Graph principal; may be NULL */
    tenant_created_fn then;    /* optional: more to create in the same transaction */
    void *then_ctx;
};

/**
 * Checks spec and fills t (new GUID, lower-cased subdomain and domain, upper-cased country).
 * PORCH_E_INVALID with a message in e that names the field.
 */
enum porch_err tenants_prepare(const struct tenant_spec *spec, struct tenant *t,
                               struct porch_error *e);

/**
 * Validates spec and creates the tenant, its first RS256 signing key (active at once) and its
 * built-in Graph service principal (directory/graph_api.h), then runs spec->then, all in one
 * transaction. PORCH_E_CONFLICT (message in e) when the subdomain or domain is taken;
 * nothing is written then. out (optional) receives the tenant.
 */
enum porch_err tenants_create(struct db_conn *c, const struct secretbox *sb,
                              const struct tenant_spec *spec, struct tenant *out,
                              struct porch_error *e);

#endif
