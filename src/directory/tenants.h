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

struct db_conn;
struct secretbox;

struct tenant_spec {
    const char *display_name;
    const char *subdomain;
    const char *country;       /* ISO 3166 alpha-2; NULL means "US" */
    const char *domain_suffix; /* default domain is <subdomain>.<domain_suffix> */
};

/**
 * Checks spec and fills t (new GUID, lower-cased subdomain and domain, upper-cased country).
 * PORCH_E_INVALID with a message in e that names the field.
 */
enum porch_err tenants_prepare(const struct tenant_spec *spec, struct tenant *t,
                               struct porch_error *e);

/**
 * Validates spec and creates the tenant and its first RS256 signing key (active at once) in
 * one transaction. PORCH_E_CONFLICT (message in e) when the subdomain or domain is taken;
 * nothing is written then. out (optional) receives the tenant.
 */
enum porch_err tenants_create(struct db_conn *c, const struct secretbox *sb,
                              const struct tenant_spec *spec, struct tenant *out,
                              struct porch_error *e);

#endif
