/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tenant's rendered public documents — discovery and JWKS — with the tenant record they
 * were made from. Immutable once built and shared between threads by reference count.
 */
#ifndef PORCH_TENANT_DOCS_H
#define PORCH_TENANT_DOCS_H

#include <stdatomic.h>
#include <stddef.h>

#include "core/err.h"
#include "store/tenant.h"

struct config;
struct jwk;
struct key_row;
struct oidc;

struct tenant_docs {
    atomic_uint refs;
    struct tenant tenant;
    char *issuer;      /* {public-url}/{tenant-id}/v2.0 */
    char *discovery;   /* openid-configuration JSON */
    size_t discovery_len;
    char *jwks;        /* {"keys":[…]} with public members only */
    size_t jwks_len;
    struct jwk **verify_keys; /* the published public keys, for checking our own tokens */
    size_t nverify;
    struct jwk *signing_key;  /* the private key that signs now, or NULL if none is active yet */
    int64_t signing_until;    /* when another key takes over (0: no successor); refresh after */
};

/**
 * Renders both documents for t from its published keys and parses them for verification.
 * *out has one reference; release it with tenant_docs_unref(). The signing key is not set
 * here (see oidc.c). PORCH_E_STORE if a stored public key is not a valid public JWK.
 */
enum porch_err tenant_docs_build(const struct config *cfg, const struct tenant *t,
                                 const struct key_row *keys, size_t nkeys,
                                 struct tenant_docs **out);
/** Adds a reference and returns d. Thread-safe. */
struct tenant_docs *tenant_docs_ref(struct tenant_docs *d);
/** Drops a reference; the last one frees. NULL is a no-op. Thread-safe. */
void tenant_docs_unref(struct tenant_docs *d);

/**
 * Resolves a tenant path segment (GUID, subdomain or default domain, any case) to its
 * documents, from the cache or the store. Caller releases *out with tenant_docs_unref().
 * PORCH_E_NOT_FOUND for an unknown tenant; PORCH_E_UNAVAILABLE/STORE when the store fails.
 * Thread-safe.
 */
enum porch_err oidc_tenant_docs(struct oidc *o, const char *ref, struct tenant_docs **out);
/** Drops every cached document (after a local key rotation, in tests). Thread-safe. */
void oidc_invalidate(struct oidc *o);

#endif
