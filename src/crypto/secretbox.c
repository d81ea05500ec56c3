/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES-256-GCM at rest and the master-key loader. GCM with random 96-bit nonces stays within
 * NIST's bound (2^32 messages per key) for the number of rows Porch seals; the associated data
 * ties each ciphertext to its row. The key file is treated like an ssh private key: refused when
 * group or others may touch it, created whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/secretbox.h"
#include "crypto/ct.h"
#include "crypto/cryptoerr.h"
#include "crypto/mac.h"
#include "core/b64.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define NONCE_LEN    12
#define TAG_LEN      16
#define PREFIX       "v1."
#define PREFIX_LEN   3
#define KEY_FILE_MAX 256 /* bytes read from a key file; a key in any encoding is far shorter */

struct secretbox {
    unsigned char key[SECRETBOX_KEY_LEN];
};

enum porch_err secretbox_from_key(const unsigned char key[SECRETBOX_KEY_LEN],
                                  struct secretbox **out)
{
    struct secretbox *sb;

    if (!key || !out)
        return PORCH_E_INVALID;
    sb = xmalloc(sizeof(*sb));
    memcpy(sb->key, key, SECRETBOX_KEY_LEN);
    *out = sb;
    return PORCH_OK;
}

void secretbox_wipe_free(void *p, size_t n)
{
    if (!p)
        return;
    ct_cleanse(p, n);
    free(p);
}

void secretbox_free(struct secretbox *sb)
{
    secretbox_wipe_free(sb, sizeof(*sb));
}

enum porch_err secretbox_derive(const struct secretbox *sb, const char *label,
                                unsigned char out[SECRETBOX_KEY_LEN])
{
    if (!sb || !label || !out)
        return PORCH_E_INVALID;
    return mac_hkdf_sha256(sb->key, sizeof(sb->key), label, out, SECRETBOX_KEY_LEN);
}

/* --- key text ------------------------------------------------------------------------------ */

static bool hex_key(const char *s, size_t n, unsigned char key[SECRETBOX_KEY_LEN])
{
    if (n != 2 * SECRETBOX_KEY_LEN)
        return false;
    for (size_t i = 0; i < SECRETBOX_KEY_LEN; i++) {
        int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

static bool b64_key(const char *s, size_t n, unsigned char key[SECRETBOX_KEY_LEN])
{
    unsigned char buf[64];
    char padded[48];
    size_t len = 0;
    bool ok = false;

    if (b64url_decode(s, n, buf, sizeof(buf), &len) == PORCH_OK ||
        b64_decode(s, n, buf, sizeof(buf), &len) == PORCH_OK) {
        ok = len == SECRETBOX_KEY_LEN;
    } else if (n == 43) {
        /* standard alphabet without its padding */
        memcpy(padded, s, n);
        padded[n] = '=';
        ok = b64_decode(padded, n + 1, buf, sizeof(buf), &len) == PORCH_OK &&
             len == SECRETBOX_KEY_LEN;
        ct_cleanse(padded, sizeof(padded));
    }
    if (ok)
        memcpy(key, buf, SECRETBOX_KEY_LEN);
    ct_cleanse(buf, sizeof(buf));
    return ok;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Accepts 32 bytes as hex, base64 or base64url, with surrounding whitespace. */
static bool parse_key(const char *s, size_t n, unsigned char key[SECRETBOX_KEY_LEN])
{
    while (n > 0 && is_space(s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    return hex_key(s, n, key) || b64_key(s, n, key);
}

/* --- key file ------------------------------------------------------------------------------ */

/* Reads at most max bytes; PORCH_E_TOO_BIG when the file holds more. */
static enum porch_err read_bounded(int fd, char *buf, size_t max, size_t *len)
{
    size_t got = 0;

    for (;;) {
        ssize_t r = read(fd, buf + got, max + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return PORCH_E_IO;
        if (r == 0)
            break;
        got += (size_t)r;
        if (got > max)
            return PORCH_E_TOO_BIG;
    }
    *len = got;
    return PORCH_OK;
}

/* PORCH_E_NOT_FOUND (e untouched) when the file does not exist. */
static enum porch_err read_key_file(const char *path, unsigned char key[SECRETBOX_KEY_LEN],
                                    struct porch_error *e)
{
    enum porch_err err;
    char buf[KEY_FILE_MAX + 1];
    size_t len = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0 && errno == ENOENT)
        return PORCH_E_NOT_FOUND;
    if (fd < 0)
        return PORCH_ERROR_SET(e, PORCH_E_IO, "cannot open master key file '%s': %s", path,
                               strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        err =
            PORCH_ERROR_SET(e, PORCH_E_INVALID, "master key file '%s' is not a regular file", path);
        goto out;
    }
    if (st.st_uid != geteuid() && st.st_uid != 0) {
        err = PORCH_ERROR_SET(e, PORCH_E_INVALID,
                              "master key file '%s' is owned by another user (uid %u)", path,
                              (unsigned)st.st_uid);
        goto out;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        err = PORCH_ERROR_SET(e, PORCH_E_INVALID,
                              "master key file '%s' is accessible by group or others (mode %03o); "
                              "chmod 600 it",
                              path, (unsigned)(st.st_mode & 0777));
        goto out;
    }
    err = read_bounded(fd, buf, KEY_FILE_MAX, &len);
    if (err != PORCH_OK) {
        err = PORCH_ERROR_SET(e, err == PORCH_E_IO ? PORCH_E_IO : PORCH_E_INVALID,
                              "cannot read master key file '%s'", path);
        goto out;
    }
    if (!parse_key(buf, len, key)) {
        err = PORCH_ERROR_SET(e, PORCH_E_INVALID,
                              "master key file '%s' does not hold a 32-byte key in base64, "
                              "base64url or hex",
                              path);
        goto out;
    }
    err = PORCH_OK;
out:
    ct_cleanse(buf, sizeof(buf));
    close(fd);
    return err;
}

/* Creates each missing directory above path with mode 0700. */
static enum porch_err make_parents(const char *path, struct porch_error *e)
{
    enum porch_err err = PORCH_OK;
    char *dir = xstrdup(path);
    struct stat st;

    for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (stat(dir, &st) != 0 && (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
            err = PORCH_ERROR_SET(e, PORCH_E_IO, "cannot create directory '%s': %s", dir,
                                  strerror(errno));
            goto out;
        }
        *p = '/';
    }
out:
    free(dir);
    return err;
}

static bool write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        buf += w;
        n -= (size_t)w;
    }
    return true;
}

static void sync_parent(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    int fd;

    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/*
 * Writes key as base64url to a fresh 0600 temporary beside path and links it into place, so
 * readers never see a partial file and an existing file is never replaced. PORCH_E_CONFLICT
 * (e untouched) when another process created path first.
 */
static enum porch_err create_key_file(const char *path, const unsigned char key[SECRETBOX_KEY_LEN],
                                      struct porch_error *e)
{
    enum porch_err err = PORCH_E_IO;
    size_t plen = strlen(path);
    char *tmp = xmalloc(plen + 32);
    char text[B64_ENCODED_SIZE(SECRETBOX_KEY_LEN) + 1];
    size_t tlen = b64url_encode(key, SECRETBOX_KEY_LEN, text, sizeof(text));
    int fd = -1;

    text[tlen++] = '\n';
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp-", 5);
    rand_token(tmp + plen + 5, 32 - 5, 9);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        PORCH_ERROR_SET(e, err, "cannot create master key file '%s': %s", path, strerror(errno));
        goto out;
    }
    if (!write_all(fd, text, tlen) || fsync(fd) != 0) {
        PORCH_ERROR_SET(e, err, "cannot write master key file '%s': %s", path, strerror(errno));
        goto out;
    }
    if (link(tmp, path) != 0) {
        if (errno == EEXIST)
            err = PORCH_E_CONFLICT;
        else
            PORCH_ERROR_SET(e, err, "cannot create master key file '%s': %s", path,
                            strerror(errno));
        goto out;
    }
    sync_parent(path);
    err = PORCH_OK;
out:
    ct_cleanse(text, sizeof(text));
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    free(tmp);
    return err;
}

static enum porch_err load_file(const char *path, unsigned char key[SECRETBOX_KEY_LEN],
                                struct porch_error *e)
{
    enum porch_err err = read_key_file(path, key, e);

    if (err != PORCH_E_NOT_FOUND)
        return err;
    err = make_parents(path, e);
    if (err != PORCH_OK)
        return err;
    rand_bytes(key, SECRETBOX_KEY_LEN);
    err = create_key_file(path, key, e);
    if (err == PORCH_E_CONFLICT)
        err = read_key_file(path, key, e);
    return err;
}

enum porch_err secretbox_load(const char *env_value, const char *key_file, struct secretbox **out,
                              struct porch_error *e)
{
    enum porch_err err;
    unsigned char key[SECRETBOX_KEY_LEN];

    if (!out)
        return PORCH_E_INVALID;
    *out = NULL;
    if (env_value && env_value[0]) {
        err = PORCH_OK;
        if (!parse_key(env_value, strlen(env_value), key))
            err = PORCH_ERROR_SET(e, PORCH_E_INVALID,
                                  "PORCH_MASTER_KEY is not a 32-byte key in base64, base64url "
                                  "or hex");
    } else if (key_file && key_file[0]) {
        err = load_file(key_file, key, e);
    } else {
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "no master key: set PORCH_MASTER_KEY or master_key_file");
    }
    if (err == PORCH_OK)
        err = secretbox_from_key(key, out);
    ct_cleanse(key, sizeof(key));
    return err;
}

/* --- seal and open ------------------------------------------------------------------------- */

/* buf = nonce || plaintext on entry; the plaintext is encrypted in place and the tag appended. */
static enum porch_err gcm_seal(const struct secretbox *sb, unsigned char *buf, size_t n,
                               const char *aad, size_t aadlen)
{
    enum porch_err err = PORCH_E_CRYPTO;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned char *body = buf + NONCE_LEN;
    int len = 0;

    if (!ctx)
        goto out;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, sb->key, buf) != 1)
        goto out;
    if (aadlen && EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)aadlen) != 1)
        goto out;
    if (n && EVP_EncryptUpdate(ctx, body, &len, body, (int)n) != 1)
        goto out;
    if (EVP_EncryptFinal_ex(ctx, body + n, &len) != 1)
        goto out;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, body + n) != 1)
        goto out;
    err = PORCH_OK;
out:
    if (err != PORCH_OK)
        cryptoerr_drain("aes-gcm seal failed");
    EVP_CIPHER_CTX_free(ctx);
    return err;
}

enum porch_err secretbox_seal(const struct secretbox *sb, const void *pt, size_t n, const char *aad,
                              char **out)
{
    enum porch_err err;
    size_t aadlen = aad ? strnlen(aad, SECRETBOX_MAX_AAD + 1) : 0;
    size_t rawlen = NONCE_LEN + n + TAG_LEN;
    unsigned char *raw = NULL;
    char *text = NULL;

    if (!sb || (!pt && n) || !out)
        return PORCH_E_INVALID;
    *out = NULL;
    if (n > SECRETBOX_MAX_PLAINTEXT || aadlen > SECRETBOX_MAX_AAD)
        return PORCH_E_TOO_BIG;
    raw = xmalloc(rawlen);
    rand_bytes(raw, NONCE_LEN);
    if (n)
        memcpy(raw + NONCE_LEN, pt, n);
    err = gcm_seal(sb, raw, n, aad, aadlen);
    if (err != PORCH_OK)
        goto out;
    text = xmalloc(PREFIX_LEN + B64_ENCODED_SIZE(rawlen));
    memcpy(text, PREFIX, PREFIX_LEN);
    b64url_encode(raw, rawlen, text + PREFIX_LEN, B64_ENCODED_SIZE(rawlen));
    *out = text;
out:
    secretbox_wipe_free(raw, rawlen);
    return err;
}

/* Decrypts body (n bytes of ciphertext then the tag) into pt. PORCH_E_CRYPTO on a bad tag. */
static enum porch_err gcm_open(const struct secretbox *sb, const unsigned char *nonce,
                               const unsigned char *body, size_t n, const char *aad, size_t aadlen,
                               unsigned char *pt)
{
    enum porch_err err = PORCH_E_CRYPTO;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned char tag[TAG_LEN];
    int len = 0;

    memcpy(tag, body + n, TAG_LEN);
    if (!ctx)
        goto out;
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, sb->key, nonce) != 1)
        goto out;
    if (aadlen && EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)aadlen) != 1)
        goto out;
    if (n && EVP_DecryptUpdate(ctx, pt, &len, body, (int)n) != 1)
        goto out;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1)
        goto out;
    if (EVP_DecryptFinal_ex(ctx, pt + n, &len) != 1)
        goto out;
    err = PORCH_OK;
out:
    ERR_clear_error();
    EVP_CIPHER_CTX_free(ctx);
    return err;
}

enum porch_err secretbox_open(const struct secretbox *sb, const char *in, const char *aad,
                              unsigned char **pt, size_t *n)
{
    enum porch_err err;
    const size_t max_text = B64_ENCODED_SIZE(NONCE_LEN + SECRETBOX_MAX_PLAINTEXT + TAG_LEN);
    size_t aadlen = aad ? strnlen(aad, SECRETBOX_MAX_AAD + 1) : 0;
    size_t tlen, rawlen = 0, ctlen = 0;
    unsigned char *raw = NULL, *plain = NULL;

    if (!sb || !in || !pt || !n)
        return PORCH_E_INVALID;
    *pt = NULL;
    *n = 0;
    if (strncmp(in, PREFIX, PREFIX_LEN) != 0)
        return PORCH_E_INVALID;
    tlen = strnlen(in + PREFIX_LEN, max_text + 1);
    if (tlen > max_text || aadlen > SECRETBOX_MAX_AAD)
        return PORCH_E_TOO_BIG;
    raw = xmalloc(tlen);
    err = b64url_decode(in + PREFIX_LEN, tlen, raw, tlen, &rawlen);
    if (err != PORCH_OK) {
        err = PORCH_E_INVALID;
        goto out;
    }
    err = PORCH_E_CRYPTO;
    if (rawlen < NONCE_LEN + TAG_LEN)
        goto out;
    ctlen = rawlen - NONCE_LEN - TAG_LEN;
    plain = xmalloc(ctlen + 1);
    err = gcm_open(sb, raw, raw + NONCE_LEN, ctlen, aad, aadlen, plain);
    if (err != PORCH_OK)
        goto out;
    plain[ctlen] = '\0';
    *pt = plain;
    *n = ctlen;
    plain = NULL;
out:
    secretbox_wipe_free(plain, ctlen + 1);
    free(raw);
    return err;
}
