/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One-time passcodes in portable SQL. Issuing is one `INSERT … ON CONFLICT DO UPDATE` on the
 * (tenant, journey, purpose) unique index; verifying is one `UPDATE … RETURNING` whose CASE
 * expressions either consume the row or count a wrong try, both guarded by the liveness
 * conditions in its WHERE clause. PostgreSQL re-checks that WHERE clause against the committed
 * row when the UPDATE waited for a concurrent one, and SQLite serialises writers, so the
 * returned row is the only thing that decides an outcome; the SELECT after a miss only
 * explains it.
 *
 * The hashes are compared in SQL, as the other repositories look up hashed tokens: they are
 * HMAC outputs under a key the client does not know, so the timing of the comparison tells
 * nothing about the code.
 */
#include <string.h>

#include "core/b64.h"
#include "crypto/ct.h"
#include "crypto/digest.h"
#include "crypto/mac.h"
#include "store/otp.h"
#include "core/banned.h"

/* Domain separation for the HMAC input, so the key can never be made to sign anything else. */
#define MAC_LABEL "porch-otp-v1"
/* The HMAC input: label, tenant, journey hash, purpose, address and code, NUL-separated. */
#define MAC_INPUT_MAX                                                                              \
    (sizeof(MAC_LABEL) + UUID_STR_LEN + DIGEST_SHA256_B64URL_LEN + 8 + STORE_OTP_ADDRESS_MAX + 1 + \
     STORE_OTP_CODE_MAX + 1)

static bool len_ok(const char *s, size_t max)
{
    size_t n = s ? strnlen(s, max + 1) : 0;

    return n > 0 && n <= max;
}

static bool purpose_ok(const char *p)
{
    return p && (strcmp(p, "signup") == 0 || strcmp(p, "signin") == 0 || strcmp(p, "reset") == 0);
}

static bool ref_ok(const struct store_otp_ref *r, const char *code)
{
    return r && len_ok(r->tenant_id, UUID_STR_LEN - 1) &&
           len_ok(r->journey_hash, DIGEST_SHA256_B64URL_LEN - 1) && purpose_ok(r->purpose) &&
           len_ok(r->address_lower, STORE_OTP_ADDRESS_MAX) && len_ok(code, STORE_OTP_CODE_MAX);
}

/* Appends s and its NUL at *n. The caller has checked that everything fits. */
static void put(unsigned char *buf, size_t *n, const char *s)
{
    size_t len = strlen(s) + 1;

    memcpy(buf + *n, s, len);
    *n += len;
}

/* The base64url HMAC of code bound to r (already checked by ref_ok) into out. */
static enum porch_err code_hash(const unsigned char key[STORE_OTP_KEY_LEN],
                                const struct store_otp_ref *r, const char *code,
                                char out[DIGEST_SHA256_B64URL_LEN])
{
    unsigned char msg[MAC_INPUT_MAX], mac[MAC_SHA256_LEN];
    size_t n = 0;
    enum porch_err err;

    out[0] = '\0';
    put(msg, &n, MAC_LABEL);
    put(msg, &n, r->tenant_id);
    put(msg, &n, r->journey_hash);
    put(msg, &n, r->purpose);
    put(msg, &n, r->address_lower);
    put(msg, &n, code);
    err = mac_hmac_sha256(key, STORE_OTP_KEY_LEN, msg, n, mac);
    if (err == PORCH_OK && b64url_encode(mac, sizeof(mac), out, DIGEST_SHA256_B64URL_LEN) == 0)
        err = PORCH_E_CRYPTO;
    ct_cleanse(msg, sizeof(msg));
    ct_cleanse(mac, sizeof(mac));
    return err;
}

enum porch_err store_otp_issue(struct db_conn *c, const unsigned char key[STORE_OTP_KEY_LEN],
                               const struct store_otp_ref *r, const char *code, int64_t now,
                               int64_t ttl, char id_out[UUID_STR_LEN])
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN], id[UUID_STR_LEN];
    bool row;

    if (id_out)
        id_out[0] = '\0';
    if (!key || !ref_ok(r, code) || ttl <= 0)
        goto out;
    err = code_hash(key, r, code, hash);
    if (err != PORCH_OK)
        goto out;
    uuid_v4(id);
    err = db_prepare(c,
                     "INSERT INTO otps (tenant_id, id, journey_hash, purpose, address_lower,"
                     " code_hash, created_at, expires_at, attempts, consumed_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)"
                     " ON CONFLICT (tenant_id, journey_hash, purpose) DO UPDATE SET"
                     " id = excluded.id, address_lower = excluded.address_lower,"
                     " code_hash = excluded.code_hash, created_at = excluded.created_at,"
                     " expires_at = excluded.expires_at, attempts = 0, consumed_at = NULL",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, r->tenant_id);
    db_bind_text(st, 2, id);
    db_bind_text(st, 3, r->journey_hash);
    db_bind_text(st, 4, r->purpose);
    db_bind_text(st, 5, r->address_lower);
    db_bind_text(st, 6, hash);
    db_bind_int64(st, 7, now);
    db_bind_int64(st, 8, now + ttl);
    err = db_step(st, &row);
    if (err == PORCH_OK && id_out)
        memcpy(id_out, id, sizeof(id));
out:
    db_finalize(st);
    return err;
}

/*
 * After the UPDATE matched no live row: STORE_OTP_VOIDED when r's code is unexpired and
 * unconsumed but out of tries, else STORE_OTP_NONE. Only an explanation: nothing is decided
 * here, so a concurrent change between the two statements cannot let a code through.
 */
static enum porch_err explain_miss(struct db_conn *c, const struct store_otp_ref *r, int64_t now,
                                   int64_t max_attempts, enum store_otp_check *result,
                                   int64_t *attempts)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    err = db_prepare(c,
                     "SELECT attempts FROM otps WHERE tenant_id = ? AND journey_hash = ?"
                     " AND purpose = ? AND address_lower = ? AND consumed_at IS NULL"
                     " AND expires_at > ? AND attempts >= ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, r->tenant_id);
    db_bind_text(st, 2, r->journey_hash);
    db_bind_text(st, 3, r->purpose);
    db_bind_text(st, 4, r->address_lower);
    db_bind_int64(st, 5, now);
    db_bind_int64(st, 6, max_attempts);
    err = db_step(st, &row);
    if (err == PORCH_OK && row) {
        *result = STORE_OTP_VOIDED;
        *attempts = db_col_int64(st, 0);
    }
out:
    db_finalize(st);
    return err;
}

enum porch_err store_otp_verify(struct db_conn *c, const unsigned char key[STORE_OTP_KEY_LEN],
                                const struct store_otp_ref *r, const char *code, int64_t now,
                                int64_t max_attempts, enum store_otp_check *result,
                                int64_t *attempts)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN];
    int64_t tries = 0;
    bool row = false;

    *result = STORE_OTP_NONE;
    if (!key || !ref_ok(r, code) || max_attempts < 1)
        goto out;
    err = code_hash(key, r, code, hash);
    if (err != PORCH_OK)
        goto out;
    /* consumed_at is NULL in every row the WHERE clause admits, so ELSE keeps it NULL */
    err = db_prepare(c,
                     "UPDATE otps SET"
                     " consumed_at = CASE WHEN code_hash = ? THEN ? ELSE consumed_at END,"
                     " attempts = CASE WHEN code_hash = ? THEN attempts ELSE attempts + 1 END"
                     " WHERE tenant_id = ? AND journey_hash = ? AND purpose = ?"
                     " AND address_lower = ? AND consumed_at IS NULL AND expires_at > ?"
                     " AND attempts < ?"
                     " RETURNING consumed_at, attempts",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, hash);
    db_bind_int64(st, 2, now);
    db_bind_text(st, 3, hash);
    db_bind_text(st, 4, r->tenant_id);
    db_bind_text(st, 5, r->journey_hash);
    db_bind_text(st, 6, r->purpose);
    db_bind_text(st, 7, r->address_lower);
    db_bind_int64(st, 8, now);
    db_bind_int64(st, 9, max_attempts);
    err = db_step(st, &row);
    if (err != PORCH_OK)
        goto out;
    if (!row) {
        db_finalize(st);
        st = NULL;
        err = explain_miss(c, r, now, max_attempts, result, &tries);
        goto out;
    }
    tries = db_col_int64(st, 1);
    if (!db_col_is_null(st, 0))
        *result = STORE_OTP_RIGHT;
    else
        *result = tries >= max_attempts ? STORE_OTP_VOIDED : STORE_OTP_WRONG;
out:
    db_finalize(st);
    if (attempts)
        *attempts = err == PORCH_OK ? tries : 0;
    return err;
}
