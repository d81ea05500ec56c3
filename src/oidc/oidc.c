/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-process tenant cache behind the protocol endpoints. Discovery and JWKS are the
 * hottest paths of an identity server (every relying party and every token validation reads
 * them), so each tenant's two documents are rendered once and served from memory until the
 * entry is older than --discovery-cache-ttl. The TTL is also how a key rotated on another
 * node appears here: rotation publishes keys before they sign, by more than the TTL.
 *
 * Entries are keyed by the path segment the client used (GUID, subdomain or default domain,
 * lower-cased). Unknown tenants are not cached, so random names cannot fill the table; the
 * table is bounded anyway and simply emptied when full.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "oidc/oidc.h"
#include "oidc/tenant_docs.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "crypto/ct.h"
#include "crypto/digest.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "directory/keyring.h"
#include "store/key.h"
#include "store/tenant.h"
#include "core/banned.h"

#define CACHE_SLOTS 1024 /* power of two */
#define CACHE_MAX   4096

struct entry {
    struct entry *next;
    char *ref;
    struct tenant_docs *docs; /* shared by the aliases of one tenant; refcounted */
    int64_t expires_ms;
};

struct oidc {
    const struct config *cfg;
    struct db *db;
    const struct secretbox *sb;
    unsigned char subject_key[SECRETBOX_KEY_LEN]; /* pairwise subjects */
    unsigned char page_key[SECRETBOX_KEY_LEN];    /* hosted-page MACs (logout CSRF) */
    pthread_rwlock_t lock;
    struct entry *slots[CACHE_SLOTS];
    size_t count;
};

struct oidc *oidc_new(const struct config *cfg, struct db *db, const struct secretbox *sb)
{
    struct oidc *o = xcalloc(1, sizeof(*o));
    o->cfg = cfg;
    o->db = db;
    o->sb = sb;
    /* without a master key (tests that sign nothing) the keys are fixed and say so */
    if (!sb || secretbox_derive(sb, "porch-pairwise-subject-v1", o->subject_key) != PORCH_OK)
        digest_sha256("porch-pairwise-subject-without-master-key", 41, o->subject_key);
    if (!sb || secretbox_derive(sb, "porch-page-mac-v1", o->page_key) != PORCH_OK)
        digest_sha256("porch-page-mac-without-master-key", 33, o->page_key);
    pthread_rwlock_init(&o->lock, NULL);
    return o;
}

static void entry_free(struct entry *en)
{
    tenant_docs_unref(en->docs);
    free(en->ref);
    free(en);
}

static void clear_locked(struct oidc *o)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        while (o->slots[i]) {
            struct entry *en = o->slots[i];
            o->slots[i] = en->next;
            entry_free(en);
        }
    }
    o->count = 0;
}

void oidc_free(struct oidc *o)
{
    if (!o)
        return;
    clear_locked(o);
    pthread_rwlock_destroy(&o->lock);
    ct_cleanse(o->subject_key, sizeof(o->subject_key));
    ct_cleanse(o->page_key, sizeof(o->page_key));
    free(o);
}

const unsigned char *oidc_subject_key(const struct oidc *o)
{
    return o->subject_key;
}

const unsigned char *oidc_page_key(const struct oidc *o)
{
    return o->page_key;
}

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h & (CACHE_SLOTS - 1);
}

/* Lower-cases ref into buf; NULL when it cannot be a tenant reference at all. */
static const char *normalize(const char *ref, char *buf, size_t n)
{
    size_t i;
    for (i = 0; ref[i]; i++) {
        char c = ref[i];
        if (i + 1 >= n)
            return NULL;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return NULL;
        buf[i] = c;
    }
    buf[i] = '\0';
    return i ? buf : NULL;
}

static struct tenant_docs *lookup(struct oidc *o, const char *key)
{
    struct tenant_docs *d = NULL;
    int64_t now = clock_mono_ms();

    pthread_rwlock_rdlock(&o->lock);
    for (struct entry *en = o->slots[hash(key)]; en; en = en->next) {
        if (strcmp(en->ref, key) == 0 && en->expires_ms > now) {
            d = tenant_docs_ref(en->docs);
            break;
        }
    }
    pthread_rwlock_unlock(&o->lock);
    return d;
}

static void insert(struct oidc *o, const char *key, struct tenant_docs *d)
{
    size_t h = hash(key);
    struct entry **pp, *en;
    int64_t ttl_ms = (int64_t)o->cfg->discovery_cache_ttl * 1000;

    /* a cached signing key must not outlive the moment its successor takes over */
    if (d->signing_until && (d->signing_until - clock_now()) * 1000 < ttl_ms)
        ttl_ms = (d->signing_until - clock_now()) * 1000;

    pthread_rwlock_wrlock(&o->lock);
    for (pp = &o->slots[h]; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->ref, key) == 0) {
            en = *pp;
            *pp = en->next;
            entry_free(en);
            o->count--;
            break;
        }
    }
    if (o->count >= CACHE_MAX)
        clear_locked(o);
    en = xcalloc(1, sizeof(*en));
    en->ref = xstrdup(key);
    en->docs = tenant_docs_ref(d);
    en->expires_ms = clock_mono_ms() + ttl_ms;
    en->next = o->slots[h];
    o->slots[h] = en;
    o->count++;
    pthread_rwlock_unlock(&o->lock);
}

/*
 * Unseals the key that signs now and notes when a rotated key takes over from it. A failure
 * (a wrong master key) leaves the tenant without a signing key, so token requests fail while
 * discovery and JWKS, which need no secret, keep working.
 */
static void load_signing_key(struct oidc *o, struct db_conn *c, const struct key_row *keys,
                             size_t nkeys, struct tenant_docs *d)
{
    int64_t now = clock_now();
    enum porch_err err;

    for (size_t i = 0; i < nkeys; i++) {
        if (keys[i].active_at > now && (!d->signing_until || keys[i].active_at < d->signing_until))
            d->signing_until = keys[i].active_at;
    }
    err = keyring_signing_key(c, o->sb, d->tenant.id, now, &d->signing_key);
    if (err != PORCH_OK && err != PORCH_E_NOT_FOUND)
        log_error("cannot load the signing key of tenant '%s': %s", d->tenant.id,
                  porch_err_str(err));
}

static enum porch_err load(struct oidc *o, const char *key, struct tenant_docs **out)
{
    struct db_conn *c = NULL;
    struct key_row *keys = NULL;
    size_t nkeys = 0;
    struct tenant t;
    enum porch_err err;

    err = db_acquire(o->db, &c);
    if (err != PORCH_OK)
        goto out;
    err = store_tenant_find(c, key, &t);
    if (err != PORCH_OK)
        goto out;
    err = store_key_list(c, t.id, clock_now(), &keys, &nkeys);
    if (err != PORCH_OK)
        goto out;
    err = tenant_docs_build(o->cfg, &t, keys, nkeys, out);
    if (err == PORCH_OK && o->sb)
        load_signing_key(o, c, keys, nkeys, *out);
out:
    store_key_rows_free(keys, nkeys);
    if (c)
        db_release(c);
    return err;
}

enum porch_err oidc_tenant_docs(struct oidc *o, const char *ref, struct tenant_docs **out)
{
    char key[300];
    enum porch_err err;

    if (!normalize(ref, key, sizeof(key)))
        return PORCH_E_NOT_FOUND;
    *out = lookup(o, key);
    if (*out)
        return PORCH_OK;
    err = load(o, key, out);
    if (err != PORCH_OK)
        return err;
    if (o->cfg->discovery_cache_ttl > 0 &&
        (!(*out)->signing_until || (*out)->signing_until > clock_now()))
        insert(o, key, *out);
    return PORCH_OK;
}

void oidc_invalidate(struct oidc *o)
{
    pthread_rwlock_wrlock(&o->lock);
    clear_locked(o);
    pthread_rwlock_unlock(&o->lock);
}
