/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client secrets. A secret is base64url of 32 bytes from the kernel CSPRNG, so it needs no
 * escaping in a Basic header or a form body. Only its SHA-256 is stored: secrets have full
 * entropy, so a slow password hash would add latency to every token request without adding
 * protection.
 */
#include <stdio.h>
#include <string.h>

#include "directory/credentials.h"
#include "core/clock.h"
#include "core/rand.h"
#include "crypto/ct.h"
#include "crypto/digest.h"
#include "core/banned.h"

enum porch_err credentials_add_password(struct db_conn *c, const char *tenant_id,
                                        const char *app_id, const char *display_name,
                                        int64_t start_at, int64_t end_at,
                                        struct credentials_password *out)
{
    enum porch_err err;
    struct credential_row p;
    size_t count = 0;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    if (start_at == 0)
        start_at = clock_now();
    if (end_at == 0)
        end_at = start_at + CREDENTIALS_DEFAULT_LIFETIME;
    if (end_at <= start_at)
        return PORCH_E_INVALID;
    err = store_credential_list(c, tenant_id, app_id, NULL, NULL, &count);
    if (err == PORCH_OK && count >= STORE_CREDENTIAL_MAX)
        err = PORCH_E_TOO_BIG;
    if (err != PORCH_OK)
        return err;
    rand_token(out->secret, sizeof(out->secret), 32);
    uuid_v4(out->key_id);
    memcpy(out->hint, out->secret, 3);
    out->start_at = start_at;
    out->end_at = end_at;
    snprintf(p.tenant_id, sizeof(p.tenant_id), "%s", tenant_id);
    snprintf(p.app_id, sizeof(p.app_id), "%s", app_id);
    memcpy(p.key_id, out->key_id, sizeof(p.key_id));
    memcpy(p.hint, out->hint, sizeof(out->hint));
    p.display_name = (char *)(uintptr_t)display_name; /* borrowed; insert only reads it */
    p.start_at = start_at;
    p.end_at = end_at;
    p.created_at = clock_now();
    err = digest_sha256_b64url(out->secret, p.secret_hash);
    if (err == PORCH_OK)
        err = store_credential_insert(c, &p);
    if (err != PORCH_OK)
        ct_cleanse(out, sizeof(*out));
    return err;
}

enum porch_err credentials_remove_password(struct db_conn *c, const char *tenant_id,
                                           const char *app_id, const char *key_id)
{
    return store_credential_delete(c, tenant_id, app_id, key_id);
}

enum credentials_status credentials_check_secret(const struct credential_client *cl,
                                                 const char *secret, int64_t now)
{
    char hash[DIGEST_SHA256_B64URL_LEN];
    bool valid = false, expired = false;

    if (digest_sha256_b64url(secret, hash) != PORCH_OK)
        return CREDENTIALS_BAD_SECRET;
    for (size_t i = 0; i < cl->npw; i++) {
        const struct credential_secret *s = &cl->pw[i];
        bool match = ct_compare(hash, s->hash, sizeof(hash)) == 0;

        if (match && now >= s->start_at && now < s->end_at)
            valid = true;
        else if (match && now >= s->end_at)
            expired = true;
    }
    if (valid)
        return CREDENTIALS_VALID;
    return expired ? CREDENTIALS_EXPIRED : CREDENTIALS_BAD_SECRET;
}

enum porch_err credentials_verify_secret(struct db_conn *c, const char *tenant_id,
                                         const char *client_id, const char *secret, int64_t now,
                                         struct credential_client *cl,
                                         enum credentials_status *status)
{
    enum porch_err err = store_credential_client(c, tenant_id, client_id, false, cl);

    *status = CREDENTIALS_UNKNOWN_CLIENT;
    if (err == PORCH_E_NOT_FOUND)
        return PORCH_OK;
    if (err != PORCH_OK)
        return err;
    *status = credentials_check_secret(cl, secret, now);
    return PORCH_OK;
}
