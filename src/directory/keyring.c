/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signing-key lifecycle on top of store/key.c and crypto/. The private PEM never leaves this
 * file unsealed except as a struct jwk, and the sealed form is bound (AAD) to tenant and kid
 * so a ciphertext copied into another row does not open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory/keyring.h"
#include "core/clock.h"
#include "core/log.h"
#include "crypto/jwk.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "store/key.h"
#include "core/banned.h"

/* Clock skew that relying parties are allowed (baseline: at most 5 minutes). */
#define SKEW_SECONDS 300

enum porch_err keyring_add(struct db_conn *c, const struct secretbox *sb, const char *tenant_id,
                           const char *alg, int64_t active_at, char *kid_out)
{
    enum porch_err err;
    struct jwk *k = NULL;
    char *pem = NULL, *pub = NULL, *sealed = NULL;
    size_t pem_len = 0;
    struct key_row row;
    char aad[256];

    err = jwk_generate(alg, &k);
    if (err != PORCH_OK)
        goto out;
    err = jwk_private_pem(k, &pem, &pem_len);
    if (err != PORCH_OK)
        goto out;
    err = jwk_public_json(k, &pub);
    if (err != PORCH_OK)
        goto out;
    snprintf(aad, sizeof(aad), KEYRING_AAD_FMT, tenant_id, jwk_kid(k));
    err = secretbox_seal(sb, pem, pem_len, aad, &sealed);
    if (err != PORCH_OK)
        goto out;
    memset(&row, 0, sizeof(row));
    snprintf(row.tenant_id, sizeof(row.tenant_id), "%s", tenant_id);
    snprintf(row.kid, sizeof(row.kid), "%s", jwk_kid(k));
    snprintf(row.alg, sizeof(row.alg), "%s", jwk_alg(k));
    row.public_jwk = pub;
    row.private_enc = sealed;
    row.created_at = clock_now();
    row.active_at = active_at;
    row.expires_at = 0;
    err = store_key_insert(c, &row);
    if (err == PORCH_OK && kid_out)
        snprintf(kid_out, 96, "%s", row.kid);
out:
    if (pem)
        secretbox_wipe_free(pem, pem_len);
    free(pub);
    free(sealed);
    jwk_free(k);
    return err;
}

struct rotate_ctx {
    const struct secretbox *sb;
    const char *tenant_id;
    int64_t delay, lifetime;
    char *kid_out;
};

static enum porch_err rotate_tx(struct db_conn *c, void *arg)
{
    struct rotate_ctx *rc = arg;
    char kid[96];
    int64_t active_at = clock_now() + rc->delay;
    enum porch_err err;

    err = keyring_add(c, rc->sb, rc->tenant_id, "RS256", active_at, kid);
    if (err != PORCH_OK)
        return err;
    err = store_key_set_expiry(c, rc->tenant_id, kid, active_at + rc->lifetime + SKEW_SECONDS);
    if (err == PORCH_OK && rc->kid_out)
        snprintf(rc->kid_out, 96, "%s", kid);
    return err;
}

enum porch_err keyring_rotate(struct db_conn *c, const struct secretbox *sb,
                              const char *tenant_id, int64_t delay, int64_t token_lifetime,
                              char *kid_out)
{
    struct rotate_ctx rc = {sb, tenant_id, delay, token_lifetime, kid_out};
    return db_tx(c, true, rotate_tx, &rc);
}

enum porch_err keyring_signing_key(struct db_conn *c, const struct secretbox *sb,
                                   const char *tenant_id, int64_t now, struct jwk **out)
{
    enum porch_err err;
    struct key_row *rows = NULL;
    const struct key_row *best = NULL;
    size_t n = 0, pem_len = 0;
    unsigned char *pem = NULL;
    char aad[256];

    err = store_key_list(c, tenant_id, now, &rows, &n);
    if (err != PORCH_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].active_at <= now && (!best || rows[i].active_at > best->active_at))
            best = &rows[i];
    }
    if (!best) {
        err = PORCH_E_NOT_FOUND;
        goto out;
    }
    snprintf(aad, sizeof(aad), KEYRING_AAD_FMT, tenant_id, best->kid);
    err = secretbox_open(sb, best->private_enc, aad, &pem, &pem_len);
    if (err != PORCH_OK) {
        log_error("cannot unseal signing key '%s' of tenant '%s' (wrong master key?)", best->kid,
                  tenant_id);
        goto out;
    }
    err = jwk_from_private_pem((const char *)pem, pem_len, best->alg, out);
out:
    if (pem)
        secretbox_wipe_free(pem, pem_len);
    store_key_rows_free(rows, n);
    return err;
}
