/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for crypto/secretbox.c: seal/open round trips, tamper detection, the master-key
 * file (created 0600 in a 0700 directory, reloaded, refused when loose or malformed) and the
 * PORCH_MASTER_KEY encodings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>

#include "../../../src/crypto/secretbox.c"

/* Bytes whose base64 form uses both '+' and '/', so the two alphabets differ. */
static void fixed_key(unsigned char key[SECRETBOX_KEY_LEN])
{
    static const unsigned char head[] = {0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff};
    for (size_t i = 0; i < SECRETBOX_KEY_LEN; i++)
        key[i] = (unsigned char)(i * 7 + 1);
    memcpy(key, head, sizeof(head));
}

/* True when b opens what a seals (so a and b hold the same key). */
static bool same_key(const struct secretbox *a, const struct secretbox *b)
{
    char *sealed = NULL;
    unsigned char *pt = NULL;
    size_t n = 0;
    bool ok;

    assert_int_equal(secretbox_seal(a, "probe", 5, "aad", &sealed), PORCH_OK);
    ok = secretbox_open(b, sealed, "aad", &pt, &n) == PORCH_OK && n == 5 &&
         memcmp(pt, "probe", 5) == 0;
    secretbox_wipe_free(pt, n);
    free(sealed);
    return ok;
}

static void secretbox_round_trip(void **state)
{
    unsigned char key[SECRETBOX_KEY_LEN], *pt = NULL;
    struct secretbox *sb = NULL;
    char *a = NULL, *b = NULL;
    size_t n = 0;
    (void)state;
    fixed_key(key);
    assert_int_equal(secretbox_from_key(key, &sb), PORCH_OK);
    assert_int_equal(secretbox_seal(sb, "private key", 11, "signing-key:t1:k1", &a), PORCH_OK);
    assert_int_equal(strncmp(a, "v1.", 3), 0);
    /* 12 + 11 + 16 bytes -> 52 base64url characters */
    assert_int_equal(strlen(a), 3 + 52);
    assert_int_equal(secretbox_open(sb, a, "signing-key:t1:k1", &pt, &n), PORCH_OK);
    assert_int_equal(n, 11);
    assert_string_equal((char *)pt, "private key");
    secretbox_wipe_free(pt, n);
    /* a fresh nonce every time */
    assert_int_equal(secretbox_seal(sb, "private key", 11, "signing-key:t1:k1", &b), PORCH_OK);
    assert_string_not_equal(a, b);
    free(b);
    /* empty plaintext and NULL aad */
    assert_int_equal(secretbox_seal(sb, NULL, 0, NULL, &b), PORCH_OK);
    assert_int_equal(secretbox_open(sb, b, NULL, &pt, &n), PORCH_OK);
    assert_int_equal(n, 0);
    assert_string_equal((char *)pt, "");
    secretbox_wipe_free(pt, n);
    free(b);
    free(a);
    secretbox_free(sb);
}

static void expect_open_fails(const struct secretbox *sb, const char *in, const char *aad,
                              enum porch_err want)
{
    static unsigned char sentinel[] = "sentinel";
    unsigned char *pt = sentinel;
    size_t n = 99;
    assert_int_equal(secretbox_open(sb, in, aad, &pt, &n), want);
    assert_null(pt);
    assert_int_equal(n, 0);
}

static void secretbox_detects_tampering(void **state)
{
    unsigned char key[SECRETBOX_KEY_LEN];
    struct secretbox *sb = NULL, *other = NULL;
    char *s = NULL, *t;
    size_t len;
    (void)state;
    fixed_key(key);
    assert_int_equal(secretbox_from_key(key, &sb), PORCH_OK);
    key[0] ^= 1;
    assert_int_equal(secretbox_from_key(key, &other), PORCH_OK);
    /* 12 + 17 + 16 = 45 bytes: 60 characters with no partial group, so cutting 4 stays canonical */
    assert_int_equal(secretbox_seal(sb, "0123456789abcdefg", 17, "row:1", &s), PORCH_OK);
    len = strlen(s);
    t = xstrdup(s);
    /* one character of the nonce, the ciphertext and the tag */
    for (size_t at = 4; at < len - 2; at += 9) {
        memcpy(t, s, len);
        t[at] = t[at] == 'A' ? 'B' : 'A';
        expect_open_fails(sb, t, "row:1", PORCH_E_CRYPTO);
    }
    expect_open_fails(sb, s, "row:2", PORCH_E_CRYPTO);
    expect_open_fails(sb, s, NULL, PORCH_E_CRYPTO);
    expect_open_fails(other, s, "row:1", PORCH_E_CRYPTO);
    /* truncated: drop 4 characters (3 bytes of tag), then all but a few bytes */
    memcpy(t, s, len + 1);
    t[len - 4] = '\0';
    expect_open_fails(sb, t, "row:1", PORCH_E_CRYPTO);
    expect_open_fails(sb, "v1.AAAAAAAA", "row:1", PORCH_E_CRYPTO);
    expect_open_fails(sb, "v1.", "row:1", PORCH_E_CRYPTO);
    expect_open_fails(sb, s + 1, "row:1", PORCH_E_INVALID);
    expect_open_fails(sb, "v2.AAAA", "row:1", PORCH_E_INVALID);
    expect_open_fails(sb, "v1.AA*A", "row:1", PORCH_E_INVALID);
    free(t);
    free(s);
    secretbox_free(other);
    secretbox_free(sb);
}

static void secretbox_bounds_sizes(void **state)
{
    unsigned char key[SECRETBOX_KEY_LEN];
    struct secretbox *sb = NULL;
    char *s = NULL, *aad = xmalloc(SECRETBOX_MAX_AAD + 2);
    (void)state;
    fixed_key(key);
    assert_int_equal(secretbox_from_key(key, &sb), PORCH_OK);
    assert_int_equal(secretbox_seal(sb, key, SECRETBOX_MAX_PLAINTEXT + 1, NULL, &s),
                     PORCH_E_TOO_BIG);
    memset(aad, 'a', SECRETBOX_MAX_AAD + 1);
    aad[SECRETBOX_MAX_AAD + 1] = '\0';
    assert_int_equal(secretbox_seal(sb, "x", 1, aad, &s), PORCH_E_TOO_BIG);
    assert_null(s);
    free(aad);
    secretbox_free(sb);
}

struct tmpdir {
    char root[64];
    char dir[96];   /* root/sub, created by secretbox_load */
    char file[128]; /* root/sub/master.key */
};

static void tmpdir_make(struct tmpdir *t)
{
    snprintf(t->root, sizeof(t->root), "/tmp/porch-secretbox-XXXXXX");
    assert_non_null(mkdtemp(t->root));
    snprintf(t->dir, sizeof(t->dir), "%s/sub", t->root);
    snprintf(t->file, sizeof(t->file), "%s/master.key", t->dir);
}

static void tmpdir_remove(struct tmpdir *t)
{
    unlink(t->file);
    rmdir(t->dir);
    rmdir(t->root);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}

static void secretbox_key_file_created_and_reloaded(void **state)
{
    struct tmpdir t;
    struct secretbox *a = NULL, *b = NULL;
    struct porch_error e = {0};
    struct stat st;
    char text[80];
    FILE *f;
    (void)state;
    tmpdir_make(&t);
    assert_int_equal(secretbox_load(NULL, t.file, &a, &e), PORCH_OK);
    assert_int_equal(stat(t.file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(t.dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    f = fopen(t.file, "r");
    assert_non_null(f);
    assert_non_null(fgets(text, sizeof(text), f));
    fclose(f);
    assert_int_equal(strlen(text), 44);
    assert_int_equal(text[43], '\n');
    /* no temporary left behind: the directory holds only the key file */
    assert_int_equal(rmdir(t.dir), -1);
    assert_int_equal(secretbox_load("", t.file, &b, &e), PORCH_OK);
    assert_true(same_key(a, b));
    secretbox_free(a);
    secretbox_free(b);
    tmpdir_remove(&t);
}

static void secretbox_key_file_refused_when_loose_or_malformed(void **state)
{
    struct tmpdir t;
    struct secretbox *sb = NULL;
    struct porch_error e = {0};
    (void)state;
    tmpdir_make(&t);
    assert_int_equal(mkdir(t.dir, 0700), 0);
    write_file(t.file, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 0640);
    assert_int_equal(secretbox_load(NULL, t.file, &sb, &e), PORCH_E_INVALID);
    assert_null(sb);
    assert_non_null(strstr(e.msg, t.file));
    assert_non_null(strstr(e.msg, "group or others"));
    write_file(t.file, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 0604);
    assert_int_equal(secretbox_load(NULL, t.file, &sb, &e), PORCH_E_INVALID);
    /* 16 bytes instead of 32 */
    write_file(t.file, "AAAAAAAAAAAAAAAAAAAAAA\n", 0600);
    memset(&e, 0, sizeof(e));
    assert_int_equal(secretbox_load(NULL, t.file, &sb, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, t.file));
    assert_null(strstr(e.msg, "AAAA"));
    write_file(t.file, "", 0600);
    assert_int_equal(secretbox_load(NULL, t.file, &sb, &e), PORCH_E_INVALID);
    /* the right key, with surrounding whitespace, loads */
    write_file(t.file, "  AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n", 0400);
    assert_int_equal(secretbox_load(NULL, t.file, &sb, &e), PORCH_OK);
    secretbox_free(sb);
    assert_int_equal(secretbox_load(NULL, NULL, &sb, &e), PORCH_E_INVALID);
    tmpdir_remove(&t);
}

static void secretbox_master_key_env_formats(void **state)
{
    unsigned char key[SECRETBOX_KEY_LEN];
    struct secretbox *ref = NULL, *sb = NULL;
    struct porch_error e = {0};
    char forms[6][100];
    struct tmpdir t;
    size_t len;
    (void)state;
    fixed_key(key);
    assert_int_equal(secretbox_from_key(key, &ref), PORCH_OK);
    hex_encode(key, sizeof(key), forms[0]);
    b64_encode(key, sizeof(key), forms[1], sizeof(forms[1]));
    assert_non_null(strpbrk(forms[1], "+/"));
    len = b64_encode(key, sizeof(key), forms[2], sizeof(forms[2]));
    forms[2][len - 1] = '\0'; /* standard alphabet, padding dropped */
    b64url_encode(key, sizeof(key), forms[3], sizeof(forms[3]));
    memcpy(forms[4], forms[3], 43);
    memcpy(forms[4] + 43, "=\n", 3);
    for (size_t i = 0; forms[0][i]; i++)
        forms[5][i] = (char)toupper((unsigned char)forms[0][i]);
    forms[5][64] = '\0';
    tmpdir_make(&t);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(secretbox_load(forms[i], t.file, &sb, &e), PORCH_OK);
        assert_true(same_key(ref, sb));
        secretbox_free(sb);
    }
    /* the variable wins: the key file was never created */
    assert_int_equal(access(t.file, F_OK), -1);
    forms[0][62] = '\0';
    assert_int_equal(secretbox_load(forms[0], t.file, &sb, &e), PORCH_E_INVALID);
    assert_null(sb);
    assert_non_null(strstr(e.msg, "PORCH_MASTER_KEY"));
    assert_int_equal(secretbox_load("not a key", NULL, &sb, &e), PORCH_E_INVALID);
    tmpdir_remove(&t);
    secretbox_free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(secretbox_round_trip),
        cmocka_unit_test(secretbox_detects_tampering),
        cmocka_unit_test(secretbox_bounds_sizes),
        cmocka_unit_test(secretbox_key_file_created_and_reloaded),
        cmocka_unit_test(secretbox_key_file_refused_when_loose_or_malformed),
        cmocka_unit_test(secretbox_master_key_env_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
