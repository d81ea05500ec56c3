/* SPDX-License-Identifier: Apache-2.0 */
/*
 * argon2id through libsodium. sodium_init() runs once per process (pthread_once) before the
 * first hash or check; crypto_pwhash_str picks the salt and writes the PHC string itself.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/password.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define ARGON2ID_PREFIX "$argon2id$"
#define ARGON2I_PREFIX  "$argon2i$"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void start_sodium(void)
{
    if (sodium_init() < 0)
        PORCH_BUG("sodium_init failed");
}

enum porch_err password_hash(const char *password, size_t len, char **out)
{
    char buf[crypto_pwhash_STRBYTES];

    if (!out || (!password && len))
        return PORCH_E_INVALID;
    *out = NULL;
    if (len > PASSWORD_MAX_LEN)
        return PORCH_E_TOO_BIG;
    pthread_once(&init_once, start_sodium);
    if (crypto_pwhash_str_alg(buf, password ? password : "", len, PASSWORD_OPSLIMIT,
                              PASSWORD_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return PORCH_E_CRYPTO;
    *out = xstrdup(buf);
    return PORCH_OK;
}

enum porch_err password_verify(const char *hash, const char *password, size_t len, bool *ok,
                               bool *needs_rehash)
{
    if (!hash || (!password && len) || !ok || !needs_rehash)
        return PORCH_E_INVALID;
    *ok = false;
    *needs_rehash = false;
    if (len > PASSWORD_MAX_LEN)
        return PORCH_E_TOO_BIG;
    if (strncmp(hash, ARGON2ID_PREFIX, strlen(ARGON2ID_PREFIX)) != 0 &&
        strncmp(hash, ARGON2I_PREFIX, strlen(ARGON2I_PREFIX)) != 0)
        return PORCH_E_UNSUPPORTED;
    if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
        return PORCH_E_UNSUPPORTED;
    pthread_once(&init_once, start_sodium);
    if (crypto_pwhash_str_verify(hash, password ? password : "", len) != 0)
        return PORCH_OK;
    *ok = true;
    /* libsodium compares only the parameters, so an argon2i hash is flagged here */
    *needs_rehash = strncmp(hash, ARGON2ID_PREFIX, strlen(ARGON2ID_PREFIX)) != 0 ||
                    crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0;
    return PORCH_OK;
}
