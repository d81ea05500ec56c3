/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JWKs on top of OpenSSL 3 EVP_PKEY, using only the provider-era interfaces (EVP_PKEY_Q_keygen,
 * OSSL_PARAM, EVP_DigestSign/Verify). Each algorithm Porch accepts has one row in algs[]; a
 * key is bound to one row when it is created, which is the per-key algorithm allowlist that
 * jws_verify enforces. Public JSON is written by hand so member order is fixed and no private
 * member can slip in; incoming JSON is parsed with jansson and checked member by member.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "crypto/jwk.h"
#include "crypto/cryptoerr.h"
#include "crypto/digest.h"
#include "core/b64.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define RSA_MAX_BYTES 1024 /* 8192-bit modulus */
#define RSA_MAX_E     4    /* exponent bytes; 65537 needs 3 */

/*
 * NEEDSWORK: ES256 is a row { "ES256", "EC", "EC", "SHA256", 256, 256 } plus the P-256 branches
 * in generate_pkey, public_members and from_public_json, and the DER <-> R||S conversion of
 * RFC 7518 §3.4 in jwk_sign and jwk_verify.
 */
struct alg_desc {
    const char *name;   /* JWS "alg" */
    const char *kty;    /* JWK "kty" */
    const char *evp;    /* OpenSSL key type name */
    const char *digest; /* OpenSSL digest name */
    int min_bits, max_bits;
};

static const struct alg_desc algs[] = {
    {"RS256", "RSA", "RSA", "SHA256", 2048, 8192},
};

struct jwk {
    EVP_PKEY *pkey;
    const struct alg_desc *alg;
    char *kid;
    bool priv;
};

static const struct alg_desc *alg_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof(algs) / sizeof(algs[0]); i++) {
        if (strcmp(algs[i].name, name) == 0)
            return &algs[i];
    }
    return NULL;
}

void jwk_free(struct jwk *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k->kid);
    free(k);
}

const char *jwk_kid(const struct jwk *k)
{
    return k->kid;
}

const char *jwk_alg(const struct jwk *k)
{
    return k->alg->name;
}

bool jwk_is_private(const struct jwk *k)
{
    return k->priv;
}

/* True when pkey is of the type alg needs and of an allowed size. */
static bool pkey_fits(const EVP_PKEY *pkey, const struct alg_desc *alg)
{
    int bits = EVP_PKEY_get_bits(pkey);
    return EVP_PKEY_is_a(pkey, alg->evp) && bits >= alg->min_bits && bits <= alg->max_bits;
}

/* --- public members and thumbprint --------------------------------------------------------- */

/* Returns the unpadded base64url big-endian form of a BIGNUM parameter; caller frees. */
static char *bn_param_b64url(const EVP_PKEY *pkey, const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char *bin = NULL;
    char *text = NULL;
    int len;

    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
        goto out;
    len = BN_num_bytes(bn);
    if (len <= 0 || len > RSA_MAX_BYTES)
        goto out;
    bin = xmalloc((size_t)len);
    if (BN_bn2bin(bn, bin) != len)
        goto out;
    text = xmalloc(B64_ENCODED_SIZE((size_t)len));
    b64url_encode(bin, (size_t)len, text, B64_ENCODED_SIZE((size_t)len));
out:
    free(bin);
    BN_free(bn);
    return text;
}

static enum porch_err rsa_members(const EVP_PKEY *pkey, char **n, char **e)
{
    *n = bn_param_b64url(pkey, OSSL_PKEY_PARAM_RSA_N);
    *e = bn_param_b64url(pkey, OSSL_PKEY_PARAM_RSA_E);
    if (*n && *e)
        return PORCH_OK;
    free(*n);
    free(*e);
    *n = *e = NULL;
    cryptoerr_drain("cannot export rsa public key");
    return PORCH_E_CRYPTO;
}

/* Sets k->kid to the RFC 7638 thumbprint: SHA-256 of {"e":…,"kty":"RSA","n":…}. */
static enum porch_err set_thumbprint(struct jwk *k)
{
    enum porch_err err;
    char *n = NULL, *e = NULL;
    char kid[DIGEST_SHA256_B64URL_LEN];
    struct sbuf sb;

    sbuf_init(&sb, JWK_MAX_TEXT);
    err = rsa_members(k->pkey, &n, &e);
    if (err != PORCH_OK)
        goto out;
    err = sbuf_addf(&sb, "{\"e\":\"%s\",\"kty\":\"%s\",\"n\":\"%s\"}", e, k->alg->kty, n);
    if (err != PORCH_OK)
        goto out;
    err = digest_sha256_b64url(sb.buf, kid);
    if (err != PORCH_OK)
        goto out;
    free(k->kid);
    k->kid = xstrdup(kid);
out:
    sbuf_release(&sb);
    free(n);
    free(e);
    return err;
}

enum porch_err jwk_public_json(const struct jwk *k, char **json)
{
    enum porch_err err;
    char *n = NULL, *e = NULL;
    struct sbuf sb;

    *json = NULL;
    sbuf_init(&sb, JWK_MAX_TEXT);
    err = rsa_members(k->pkey, &n, &e);
    if (err != PORCH_OK)
        goto out;
    err = sbuf_addf(&sb, "{\"kty\":\"%s\",\"use\":\"sig\",\"kid\":\"", k->alg->kty);
    if (err == PORCH_OK)
        err = sbuf_add_json_str(&sb, k->kid);
    if (err == PORCH_OK)
        err = sbuf_addf(&sb, "\",\"alg\":\"%s\",\"n\":\"%s\",\"e\":\"%s\"}", k->alg->name, n, e);
    if (err != PORCH_OK)
        goto out;
    *json = sbuf_detach(&sb, NULL);
out:
    sbuf_release(&sb);
    free(n);
    free(e);
    return err;
}

/* Takes ownership of pkey and wraps it; the kid is the thumbprint. */
static enum porch_err wrap(EVP_PKEY *pkey, const struct alg_desc *alg, bool priv, struct jwk **out)
{
    enum porch_err err;
    struct jwk *k = xcalloc(1, sizeof(*k));

    k->pkey = pkey;
    k->alg = alg;
    k->priv = priv;
    err = set_thumbprint(k);
    if (err != PORCH_OK) {
        jwk_free(k);
        k = NULL;
    }
    *out = k;
    return err;
}

/* --- generation and PEM -------------------------------------------------------------------- */

enum porch_err jwk_generate(const char *alg, struct jwk **out)
{
    const struct alg_desc *a = alg_find(alg);
    EVP_PKEY *pkey;

    *out = NULL;
    if (!a)
        return PORCH_E_UNSUPPORTED;
    pkey = EVP_PKEY_Q_keygen(NULL, NULL, a->evp, (size_t)a->min_bits);
    if (!pkey) {
        cryptoerr_drain("cannot generate key");
        return PORCH_E_CRYPTO;
    }
    return wrap(pkey, a, true, out);
}

enum porch_err jwk_private_pem(const struct jwk *k, char **pem, size_t *len)
{
    enum porch_err err = PORCH_E_CRYPTO;
    BIO *bio = NULL;
    char *data = NULL;
    long n;

    *pem = NULL;
    *len = 0;
    if (!k->priv)
        return PORCH_E_INVALID;
    bio = BIO_new(BIO_s_secmem());
    if (!bio)
        goto out;
    if (PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) != 1)
        goto out;
    n = BIO_get_mem_data(bio, &data);
    if (n <= 0 || !data)
        goto out;
    *pem = xmalloc((size_t)n + 1);
    memcpy(*pem, data, (size_t)n);
    (*pem)[n] = '\0';
    *len = (size_t)n;
    err = PORCH_OK;
out:
    if (err != PORCH_OK)
        cryptoerr_drain("cannot write private key pem");
    BIO_free(bio); /* a secmem BIO wipes its buffer */
    return err;
}

/* Refuses encrypted PEM instead of letting OpenSSL prompt on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

enum porch_err jwk_from_private_pem(const char *pem, size_t len, const char *alg, struct jwk **out)
{
    enum porch_err err = PORCH_E_INVALID;
    const struct alg_desc *a = alg_find(alg);
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;

    *out = NULL;
    if (!a)
        return PORCH_E_UNSUPPORTED;
    if (len > JWK_MAX_TEXT)
        return PORCH_E_TOO_BIG;
    if (!pem)
        return PORCH_E_INVALID;
    bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio)
        goto out;
    pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (!pkey || !pkey_fits(pkey, a))
        goto out;
    err = wrap(pkey, a, true, out);
    pkey = NULL;
out:
    if (err != PORCH_OK)
        cryptoerr_drain("cannot load private key pem");
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    return err;
}

/* --- X.509 certificates ------------------------------------------------------------------- */

static void thumbprints(const unsigned char *der, size_t len, char *x5t, char *x5t_s256)
{
    unsigned char md[SHA256_DIGEST_LENGTH];

    if (x5t) {
        SHA1(der, len, md);
        b64url_encode(md, SHA_DIGEST_LENGTH, x5t, JWK_X5T_LEN);
    }
    if (x5t_s256) {
        SHA256(der, len, md);
        b64url_encode(md, SHA256_DIGEST_LENGTH, x5t_s256, JWK_X5T_S256_LEN);
    }
}

enum porch_err jwk_from_x509_der(const unsigned char *der, size_t len, const char *alg,
                                 struct jwk **out, char x5t[JWK_X5T_LEN],
                                 char x5t_s256[JWK_X5T_S256_LEN])
{
    enum porch_err err = PORCH_E_INVALID;
    const struct alg_desc *a = alg_find(alg);
    const unsigned char *p = der;
    X509 *cert = NULL;
    EVP_PKEY *pkey = NULL;

    *out = NULL;
    if (!a)
        return PORCH_E_UNSUPPORTED;
    if (len > JWK_MAX_CERT)
        return PORCH_E_TOO_BIG;
    if (!der || len == 0)
        return PORCH_E_INVALID;
    cert = d2i_X509(NULL, &p, (long)len);
    if (!cert || p != der + len)
        goto out;
    pkey = X509_get_pubkey(cert);
    if (!pkey || !pkey_fits(pkey, a))
        goto out;
    err = wrap(pkey, a, false, out);
    pkey = NULL;
    if (err == PORCH_OK)
        thumbprints(der, len, x5t, x5t_s256);
out:
    if (err != PORCH_OK)
        ERR_clear_error();
    EVP_PKEY_free(pkey);
    X509_free(cert);
    return err;
}

/* --- public JWK parsing -------------------------------------------------------------------- */

static const char *const private_members[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};

/* Checks kty, use, alg and the absence of private members; *alg gets the key's algorithm. */
static enum porch_err check_members(const json_t *obj, const struct alg_desc **alg)
{
    const char *kty = json_string_value(json_object_get(obj, "kty"));
    const json_t *use = json_object_get(obj, "use");
    const json_t *jalg = json_object_get(obj, "alg");

    if (!kty)
        return PORCH_E_INVALID;
    if (strcmp(kty, "RSA") != 0)
        return PORCH_E_UNSUPPORTED;
    for (size_t i = 0; i < sizeof(private_members) / sizeof(private_members[0]); i++) {
        if (json_object_get(obj, private_members[i]))
            return PORCH_E_INVALID;
    }
    if (use && !(json_is_string(use) && strcmp(json_string_value(use), "sig") == 0))
        return PORCH_E_INVALID;
    if (jalg && !json_is_string(jalg))
        return PORCH_E_INVALID;
    *alg = alg_find(jalg ? json_string_value(jalg) : "RS256");
    if (!*alg || strcmp((*alg)->kty, kty) != 0)
        return PORCH_E_UNSUPPORTED;
    return PORCH_OK;
}

static enum porch_err decode_member(const json_t *obj, const char *name, unsigned char *buf,
                                    size_t size, size_t *len)
{
    const json_t *v = json_object_get(obj, name);

    if (!json_is_string(v) || json_string_length(v) == 0)
        return PORCH_E_INVALID;
    if (b64url_decode(json_string_value(v), json_string_length(v), buf, size, len) != PORCH_OK)
        return PORCH_E_INVALID;
    return PORCH_OK;
}

/* Builds an RSA public key from big-endian n and e; an exponent below 3 or even is refused. */
static enum porch_err rsa_from_ne(const unsigned char *n, size_t nlen, const unsigned char *e,
                                  size_t elen, EVP_PKEY **out)
{
    enum porch_err err = PORCH_E_CRYPTO;
    BIGNUM *bn_n = BN_bin2bn(n, (int)nlen, NULL);
    BIGNUM *bn_e = BN_bin2bn(e, (int)elen, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;

    if (!bn_n || !bn_e || !bld)
        goto out;
    if (!BN_is_odd(bn_e) || BN_num_bits(bn_e) < 2) {
        err = PORCH_E_INVALID;
        goto out;
    }
    if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1)
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1)
        goto out;
    if (EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) != 1)
        goto out;
    err = PORCH_OK;
out:
    if (err != PORCH_OK)
        cryptoerr_drain("cannot build rsa public key");
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_e);
    BN_free(bn_n);
    return err;
}

/* Reads n and e from obj into a public key that fits alg. */
static enum porch_err rsa_from_json(const json_t *obj, const struct alg_desc *alg, EVP_PKEY **out)
{
    enum porch_err err;
    unsigned char n[RSA_MAX_BYTES + 1], e[RSA_MAX_E];
    size_t nlen = 0, elen = 0;

    err = decode_member(obj, "n", n, sizeof(n), &nlen);
    if (err == PORCH_OK)
        err = decode_member(obj, "e", e, sizeof(e), &elen);
    if (err == PORCH_OK)
        err = rsa_from_ne(n, nlen, e, elen, out);
    if (err == PORCH_OK && !pkey_fits(*out, alg)) {
        EVP_PKEY_free(*out);
        *out = NULL;
        err = PORCH_E_INVALID;
    }
    return err;
}

enum porch_err jwk_from_public_json(const char *json, struct jwk **out)
{
    enum porch_err err = PORCH_E_INVALID;
    const struct alg_desc *alg = NULL;
    json_t *root = NULL;
    const json_t *kid;
    EVP_PKEY *pkey = NULL;
    size_t len;

    *out = NULL;
    if (!json)
        return PORCH_E_INVALID;
    len = strnlen(json, JWK_MAX_TEXT + 1);
    if (len > JWK_MAX_TEXT)
        return PORCH_E_TOO_BIG;
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(root))
        goto out;
    err = check_members(root, &alg);
    if (err != PORCH_OK)
        goto out;
    kid = json_object_get(root, "kid");
    err = PORCH_E_INVALID;
    if (kid && (!json_is_string(kid) || json_string_length(kid) == 0 ||
                json_string_length(kid) > JWK_MAX_KID ||
                strlen(json_string_value(kid)) != json_string_length(kid)))
        goto out;
    err = rsa_from_json(root, alg, &pkey);
    if (err != PORCH_OK)
        goto out;
    err = wrap(pkey, alg, false, out);
    pkey = NULL;
    if (err == PORCH_OK && kid) {
        free((*out)->kid);
        (*out)->kid = xstrdup(json_string_value(kid));
    }
out:
    EVP_PKEY_free(pkey);
    json_decref(root);
    return err;
}

/* --- signatures ---------------------------------------------------------------------------- */

enum porch_err jwk_sign(const struct jwk *k, const void *msg, size_t n, unsigned char **sig,
                        size_t *siglen)
{
    enum porch_err err = PORCH_E_CRYPTO;
    EVP_MD_CTX *md = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;

    *sig = NULL;
    *siglen = 0;
    if (!k->priv)
        return PORCH_E_INVALID;
    md = EVP_MD_CTX_new();
    if (!md)
        goto out;
    if (EVP_DigestSignInit_ex(md, NULL, k->alg->digest, NULL, NULL, k->pkey, NULL) != 1)
        goto out;
    if (EVP_DigestSign(md, NULL, &len, msg, n) != 1 || len == 0 || len > JWK_MAX_SIG)
        goto out;
    buf = xmalloc(len);
    if (EVP_DigestSign(md, buf, &len, msg, n) != 1)
        goto out;
    *sig = buf;
    *siglen = len;
    buf = NULL;
    err = PORCH_OK;
out:
    if (err != PORCH_OK)
        cryptoerr_drain("cannot sign");
    free(buf);
    EVP_MD_CTX_free(md);
    return err;
}

enum porch_err jwk_verify(const struct jwk *k, const void *msg, size_t n, const unsigned char *sig,
                          size_t siglen)
{
    enum porch_err err = PORCH_E_CRYPTO;
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    if (!md)
        goto out;
    if (EVP_DigestVerifyInit_ex(md, NULL, k->alg->digest, NULL, NULL, k->pkey, NULL) != 1)
        goto out;
    err = PORCH_E_DENIED;
    if (siglen == 0 || siglen > JWK_MAX_SIG)
        goto out;
    if (EVP_DigestVerify(md, sig, siglen, msg, n) != 1)
        goto out;
    err = PORCH_OK;
out:
    ERR_clear_error();
    EVP_MD_CTX_free(md);
    return err;
}
