/* SPDX-License-Identifier: Apache-2.0 */
/* The MIME builder, its header-safety checks, the development outbox and the mail options. */
#include "unit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../../src/outbound/mail.c"

#define FIXED_NOW 1767323045 /* Fri, 02 Jan 2026 03:04:05 +0000 */

static const struct mail_config dev_cfg = {.from = "no-reply@contoso.com"};

static enum porch_err build(const struct mail_config *cfg, const struct mail_message *m,
                            struct sbuf *out)
{
    struct porch_error e = {0};
    sbuf_init(out, MAIL_MAX_BYTES);
    return mail_build(cfg, m, out, &e);
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Decodes quoted-printable text back to its bytes, with CRLF line ends kept. */
static char *qp_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=' && i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
            i += 2;
        } else if (s[i] == '=' && i + 2 < n) {
            out[o++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* Every line ends in CRLF, and no line is longer than max characters. */
static void assert_lines(const char *s, size_t max)
{
    const char *line = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            assert_true(p > s && p[-1] == '\r');
            assert_true((size_t)(p - line - 1) <= max);
            line = p + 1;
        } else if (*p == '\r') {
            assert_int_equal(p[1], '\n');
        }
    }
    assert_true(line == s + strlen(s)); /* ends with a line end */
}

/* The body of the part whose Content-Type starts with type, QP-decoded. Caller frees. */
static char *part_body(const char *msg, const char *type)
{
    char hdr[64];
    const char *p, *start, *end;

    snprintf(hdr, sizeof(hdr), "Content-Type: %s", type);
    p = strstr(msg, hdr);
    assert_non_null(p);
    start = strstr(p, "\r\n\r\n");
    assert_non_null(start);
    start += 4;
    end = strstr(start, "\r\n--=_porch_");
    if (!end)
        end = start + strlen(start) - 2;
    return qp_decode(start, (size_t)(end - start));
}

static void mail_builds_multipart_alternative(void **state)
{
    struct sbuf sb;
    struct mail_message m = {.to = "ada@example.org",
                             .from_name = "Contoso \"Login\"",
                             .subject = "Your code",
                             .text = "Your code is 12345678.\nIt expires in 10 minutes.\n",
                             .html = "<p>Your code is <b>12345678</b>.</p>"};
    static const char ct[] = "Content-Type: multipart/alternative;\r\n boundary=\"";
    char *text, *html, boundary[64], closing[80];
    const char *b;
    (void)state;
    clock_set_fixed(FIXED_NOW);
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_OK);
    assert_lines(sb.buf, 78);
    assert_true(starts_with(sb.buf, "From: \"Contoso \\\"Login\\\"\" <no-reply@contoso.com>\r\n"));
    assert_non_null(strstr(sb.buf, "\r\nTo: ada@example.org\r\n"));
    assert_non_null(strstr(sb.buf, "\r\nSubject: Your code\r\n"));
    assert_non_null(strstr(sb.buf, "\r\nDate: Fri, 02 Jan 2026 03:04:05 +0000\r\n"));
    assert_non_null(strstr(sb.buf, "\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(sb.buf, "\r\nAuto-Submitted: auto-generated\r\n"));
    b = strstr(sb.buf, "\r\nMessage-ID: <");
    assert_non_null(b);
    assert_int_equal(strspn(b + 15, "0123456789abcdef"), 32);
    assert_true(strncmp(b + 47, "@contoso.com>\r\n", 15) == 0);
    b = strstr(sb.buf, ct);
    assert_non_null(b);
    snprintf(boundary, sizeof(boundary), "%.32s", b + strlen(ct));
    assert_true(starts_with(boundary, "=_porch_"));
    assert_int_equal(strspn(boundary + 8, "0123456789abcdef"), 24);
    assert_int_equal(b[strlen(ct) + 32], '"');
    /* headers end before the first part; the closing delimiter ends the message */
    assert_true(strstr(sb.buf, "\r\n\r\n") < strstr(sb.buf, "Content-Type: text/plain"));
    assert_non_null(strstr(sb.buf, "Content-Type: text/plain; charset=UTF-8\r\n"
                                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n"));
    assert_non_null(strstr(sb.buf, "Content-Type: text/html; charset=UTF-8\r\n"
                                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n"));
    snprintf(closing, sizeof(closing), "\r\n--%s--\r\n", boundary);
    assert_string_equal(sb.buf + sb.len - strlen(closing), closing);
    text = part_body(sb.buf, "text/plain");
    html = part_body(sb.buf, "text/html");
    assert_string_equal(text, "Your code is 12345678.\r\nIt expires in 10 minutes.\r\n");
    assert_string_equal(html, "<p>Your code is <b>12345678</b>.</p>");
    free(text);
    free(html);
    sbuf_release(&sb);
    clock_set_fixed(-1);
}

static void mail_text_only_is_a_single_part(void **state)
{
    struct sbuf sb;
    struct mail_message m = {.to = "ada@example.org", .subject = "Hi", .text = "plain"};
    char *text;
    (void)state;
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_OK);
    assert_true(starts_with(sb.buf, "From: no-reply@contoso.com\r\n"));
    assert_null(strstr(sb.buf, "multipart"));
    assert_non_null(strstr(sb.buf, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    text = part_body(sb.buf, "text/plain");
    assert_string_equal(text, "plain");
    free(text);
    sbuf_release(&sb);
}

/* Collects the decoded encoded-words of a header (from its name to the end of its folding). */
static void decode_header(const char *msg, const char *name, char *out, size_t n)
{
    const char *p = strstr(msg, name);
    size_t o = 0;

    assert_non_null(p);
    p += strlen(name);
    for (;;) {
        const char *end;
        size_t got;
        assert_true(strncmp(p, "=?UTF-8?B?", 10) == 0);
        p += 10;
        end = strstr(p, "?=");
        assert_non_null(end);
        assert_true(end - p + 12 <= 75); /* RFC 2047 §2: an encoded-word is at most 75 chars */
        assert_int_equal(
            b64_decode(p, (size_t)(end - p), (unsigned char *)out + o, n - o - 1, &got), PORCH_OK);
        /* each word holds whole characters */
        assert_true(utf8_count(out + o, got, &(size_t){0}));
        o += got;
        p = end + 2;
        if (strncmp(p, "\r\n =?", 5) != 0)
            break;
        p += 3;
    }
    out[o] = '\0';
}

static void mail_subject_and_name_become_encoded_words(void **state)
{
    struct sbuf sb;
    static const struct mail_config long_from = {
        .from = "no-reply-for-customer-sign-in@login.contoso-customers.example"};
    char long_subject[400], got[512];
    struct mail_message m = {.to = "ada@example.org",
                             .from_name = "Contoso Анмелдунг",
                             .subject = "Ihr Bestätigungscode für Contoso",
                             .text = "x"};
    (void)state;
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_OK);
    decode_header(sb.buf, "Subject: ", got, sizeof(got));
    assert_string_equal(got, m.subject);
    decode_header(sb.buf, "From: ", got, sizeof(got));
    assert_string_equal(got, m.from_name);
    assert_non_null(strstr(sb.buf, "?= <no-reply@contoso.com>\r\n"));
    sbuf_release(&sb);

    /* long and multi-byte: folded, cut between characters, lines short */
    long_subject[0] = '\0';
    for (int i = 0; i < 30; i++)
        strncat(long_subject, "Schlüssel€", sizeof(long_subject) - strlen(long_subject) - 1);
    m.subject = long_subject;
    m.from_name = "Contoso Anmeldedienst für Kundinnen und Kunden";
    assert_int_equal(build(&long_from, &m, &sb), PORCH_OK);
    assert_lines(sb.buf, 78);
    decode_header(sb.buf, "Subject: ", got, sizeof(got));
    assert_string_equal(got, long_subject);
    decode_header(sb.buf, "From: ", got, sizeof(got));
    assert_string_equal(got, m.from_name);
    assert_non_null(strstr(
        sb.buf, "?=\r\n <no-reply-for-customer-sign-in@login.contoso-customers.example>\r\n"));
    sbuf_release(&sb);
    m.from_name = NULL;

    /* ASCII that looks like an encoded-word is encoded too */
    m.subject = "=?UTF-8?B?aGk=?=";
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_OK);
    decode_header(sb.buf, "Subject: ", got, sizeof(got));
    assert_string_equal(got, m.subject);
    sbuf_release(&sb);
}

static void mail_refuses_header_injection(void **state)
{
    struct sbuf sb;
    const char *bad_to[] = {"ada@example.org\r\nBcc: eve@evil.example",
                            "ada@example.org\nBcc: eve@evil.example",
                            "ada@example.org>, <eve@evil.example",
                            "Ada <ada@example.org>",
                            "ada@example.org,eve@evil.example",
                            "ada@example.org eve@evil.example",
                            "ada@@example.org",
                            "@example.org",
                            "ada@",
                            "ada",
                            "",
                            "ada@exa\x01mple.org",
                            "ad\xc3@example.org"};
    const char *bad_subject[] = {
        "Hi\r\nBcc: eve@evil.example", "Hi\nX: y", "Hi\rX: y", "Hi\x7f", "", "\xff\xfe"};
    struct mail_message m = {.to = "ada@example.org", .subject = "Hi", .text = "x"};
    struct mail_config cfg = dev_cfg;
    (void)state;
    for (size_t i = 0; i < sizeof(bad_to) / sizeof(bad_to[0]); i++) {
        m.to = bad_to[i];
        assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_E_INVALID);
        assert_int_equal(sb.len, 0);
        sbuf_release(&sb);
    }
    m.to = "ada@example.org";
    for (size_t i = 0; i < sizeof(bad_subject) / sizeof(bad_subject[0]); i++) {
        m.subject = bad_subject[i];
        assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_E_INVALID);
        sbuf_release(&sb);
    }
    m.subject = NULL;
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_E_INVALID);
    m.subject = "Hi";
    m.from_name = "Contoso\r\nBcc: eve@evil.example";
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_E_INVALID);
    m.from_name = NULL;
    cfg.from = "no-reply@contoso.com\r\nBcc: eve@evil.example";
    assert_int_equal(build(&cfg, &m, &sb), PORCH_E_INVALID);
    cfg.from = NULL;
    assert_int_equal(build(&cfg, &m, &sb), PORCH_E_INVALID);
    /* bodies: UTF-8 required, line ends allowed */
    m.text = "bad \xc3\x28";
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_E_INVALID);
    m.text = NULL;
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_E_INVALID);
    m.text = "ok\r\nfine\n";
    m.html = "\xe2\x82";
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_E_INVALID);
    m.html = "<p>ok</p>";
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_OK);
    sbuf_release(&sb);
    /* a UTF-8 local part (RFC 6531) is allowed through */
    m.to = "jörg@example.org";
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_OK);
    sbuf_release(&sb);
}

static void mail_quoted_printable_is_7bit_and_round_trips(void **state)
{
    struct sbuf sb;
    char text[600], *got;
    struct mail_message m = {.to = "ada@example.org", .subject = "Hi", .text = text};
    (void)state;
    snprintf(text, sizeof(text),
             "a=b für you \nend with tab\t\r\n.leading dot\nFrom here\n%s\n\x01 done",
             "0123456789012345678901234567890123456789012345678901234567890123456789"
             "0123456789012345678901234567890123456789ÄÖÜ0123456789");
    assert_int_equal(build(&dev_cfg, &m, &sb), PORCH_OK);
    assert_lines(sb.buf, 76);
    for (size_t i = 0; i < sb.len; i++)
        assert_true((unsigned char)sb.buf[i] < 0x80);
    assert_non_null(strstr(sb.buf, "a=3Db f=C3=BCr you=20\r\n"));
    assert_non_null(strstr(sb.buf, "end with tab=09\r\n"));
    assert_non_null(strstr(sb.buf, "\r\n=2Eleading dot\r\n"));
    assert_non_null(strstr(sb.buf, "\r\n=46rom here\r\n"));
    got = part_body(sb.buf, "text/plain");
    assert_string_equal(got,
                        "a=b für you \r\nend with tab\t\r\n.leading dot\r\nFrom here\r\n"
                        "0123456789012345678901234567890123456789012345678901234567890123456789"
                        "0123456789012345678901234567890123456789ÄÖÜ0123456789\r\n\x01 done");
    free(got);
    sbuf_release(&sb);
}

static void mail_respects_the_size_cap(void **state)
{
    struct sbuf sb;
    struct porch_error e = {0};
    struct mail_message m = {.to = "ada@example.org", .subject = "Hi", .text = "é é é é"};
    (void)state;
    sbuf_init(&sb, 200);
    assert_int_equal(mail_build(&dev_cfg, &m, &sb, &e), PORCH_E_TOO_BIG);
    sbuf_release(&sb);
}

/* The single .eml file in dir (caller frees), after checking nothing else is there. */
static char *only_eml(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *found = NULL;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        assert_null(found);
        assert_true(n > 4 && strcmp(de->d_name + n - 4, ".eml") == 0);
        found = xstrdup(de->d_name);
    }
    closedir(d);
    assert_non_null(found);
    return found;
}

static void mail_outbox_writes_a_private_file(void **state)
{
    char root[] = "/tmp/porch-outbox-XXXXXX", dir[128], path[256], buf[8192];
    struct mail_config cfg = dev_cfg;
    struct mail_message m = {.to = "ada@example.org",
                             .subject = "Your code",
                             .text = "Your code is 87654321.",
                             .html = "<p>87654321</p>"};
    struct porch_error e = {0};
    struct stat st;
    char *name;
    FILE *f;
    size_t n;
    (void)state;
    assert_non_null(mkdtemp(root));
    snprintf(dir, sizeof(dir), "%s/data/outbox", root);
    cfg.outbox_dir = dir;
    clock_set_fixed(FIXED_NOW);
    assert_int_equal(mail_send(&cfg, &m, &e), PORCH_OK);
    clock_set_fixed(-1);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    name = only_eml(dir);
    assert_true(starts_with(name, "20260102T030405Z-"));
    assert_int_equal(strspn(name + 17, "0123456789abcdef"), 16);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_true(starts_with(buf, "From: no-reply@contoso.com\r\nTo: ada@example.org\r\n"));
    assert_non_null(strstr(buf, "Your code is 87654321."));
    assert_non_null(strstr(buf, "<p>87654321</p>"));
    unlink(path);

    /* a second message gets its own file, in the directory that now exists */
    assert_int_equal(mail_send(&cfg, &m, &e), PORCH_OK);
    free(name);
    name = only_eml(dir);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
    free(name);

    /* an outbox that cannot be created is an I/O error */
    snprintf(dir, sizeof(dir), "%s/file", root);
    f = fopen(dir, "w");
    fclose(f);
    snprintf(path, sizeof(path), "%s/file/outbox", root);
    cfg.outbox_dir = path;
    assert_int_equal(mail_send(&cfg, &m, &e), PORCH_E_IO);
    cfg.outbox_dir = NULL;
    assert_int_equal(mail_send(&cfg, &m, &e), PORCH_E_INVALID);
    unlink(dir);
    snprintf(dir, sizeof(dir), "%s/data/outbox", root);
    rmdir(dir);
    snprintf(dir, sizeof(dir), "%s/data", root);
    rmdir(dir);
    rmdir(root);
}

/* ---- the mail options of struct config ---- */

static int load(struct config *cfg, struct porch_error *e, int n, const char **args)
{
    static char *argv[32];
    int argc = n + 1;
    argv[0] = (char *)(uintptr_t) "serve";
    for (int i = 0; i < n; i++)
        argv[i + 1] = (char *)(uintptr_t)args[i];
    argv[argc] = NULL;
    return config_load(cfg, &argc, argv, e) == PORCH_OK ? argc : -1;
}

static void write_secret(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void mail_options_default_to_the_outbox(void **state)
{
    struct config cfg;
    struct mail_config mc;
    struct porch_error e = {0};
    (void)state;
    const char *a[] = {"--data-dir", "/srv/porch"};
    assert_int_equal(load(&cfg, &e, 2, a), 1);
    mail_config_init(&mc, &cfg);
    assert_null(mc.smtp_url);
    assert_string_equal(mc.outbox_dir, "/srv/porch/outbox");
    assert_string_equal(mc.from, "no-reply@localhost");
    assert_true(mc.starttls);
    assert_int_equal(mc.timeout_ms, MAIL_TIMEOUT_MS);
    config_release(&cfg);
}

static void mail_options_read_the_password_file(void **state)
{
    char pw[] = "/tmp/porch-smtp-pw-XXXXXX";
    struct config cfg;
    struct mail_config mc;
    struct porch_error e = {0};
    int fd = mkstemp(pw);
    (void)state;
    close(fd);
    write_secret(pw, "s3cret pass\n", 0600);
    const char *a[] = {"--smtp-url",           "smtps://mail.example.com:465",
                       "--smtp-from",          "id@example.com",
                       "--smtp-username",      "porch",
                       "--smtp-password-file", pw,
                       "--smtp-starttls",      "false"};
    assert_int_equal(load(&cfg, &e, 10, a), 1);
    mail_config_init(&mc, &cfg);
    assert_string_equal(mc.smtp_url, "smtps://mail.example.com:465");
    assert_string_equal(mc.from, "id@example.com");
    assert_string_equal(mc.username, "porch");
    assert_string_equal(mc.password, "s3cret pass");
    assert_false(mc.starttls);
    config_release(&cfg);
    assert_null(cfg.smtp_password);

    /* others may read it: refused */
    chmod(pw, 0644);
    assert_int_equal(load(&cfg, &e, 10, a), -1);
    assert_non_null(strstr(e.msg, "--smtp-password-file"));
    /* two lines: refused */
    write_secret(pw, "one\ntwo\n", 0600);
    assert_int_equal(load(&cfg, &e, 10, a), -1);
    assert_non_null(strstr(e.msg, "one line"));
    unlink(pw);
}

static void mail_options_refuse_unsafe_combinations(void **state)
{
    struct config cfg;
    struct porch_error e = {0};
    (void)state;
    const char *a1[] = {"--smtp-url", "smtp://mail.example.com:587"};
    assert_int_equal(load(&cfg, &e, 2, a1), -1);
    assert_non_null(strstr(e.msg, "--smtp-from: required"));
    const char *a2[] = {"--smtp-url", "http://mail.example.com", "--smtp-from", "a@b.example"};
    assert_int_equal(load(&cfg, &e, 4, a2), -1);
    assert_non_null(strstr(e.msg, "--smtp-url"));
    const char *a3[] = {"--smtp-url", "smtp://mail.example.com", "--smtp-from",
                        "Ada <a@b.example>"};
    assert_int_equal(load(&cfg, &e, 4, a3), -1);
    assert_non_null(strstr(e.msg, "--smtp-from"));
    const char *a4[] = {"--smtp-username", "porch"};
    assert_int_equal(load(&cfg, &e, 2, a4), -1);
    assert_non_null(strstr(e.msg, "needs --smtp-url"));
    const char *a5[] = {"--smtp-url",  "smtp://mail.example.com", "--smtp-from",
                        "a@b.example", "--smtp-username",         "porch"};
    assert_int_equal(load(&cfg, &e, 6, a5), -1);
    assert_non_null(strstr(e.msg, "--smtp-password-file"));
    const char *a6[] = {"--smtp-url",           "smtp://mail.example.com",
                        "--smtp-from",          "a@b.example",
                        "--smtp-username",      "porch",
                        "--smtp-password-file", "/nonexistent",
                        "--smtp-starttls",      "no"};
    assert_int_equal(load(&cfg, &e, 10, a6), -1);
    assert_non_null(strstr(e.msg, "without TLS"));
    const char *a7[] = {"--smtp-starttls", "maybe"};
    assert_int_equal(load(&cfg, &e, 2, a7), -1);
    assert_non_null(strstr(e.msg, "--smtp-starttls"));
    const char *a8[] = {"--smtp-url", "smtp://", "--smtp-from", "a@b.example"};
    assert_int_equal(load(&cfg, &e, 4, a8), -1);
    assert_non_null(strstr(e.msg, "needs a host"));
    const char *a9[] = {"--smtp-url", "smtps://porch:secret@mail.example.com", "--smtp-from",
                        "a@b.example"};
    assert_int_equal(load(&cfg, &e, 4, a9), -1);
    assert_non_null(strstr(e.msg, "--smtp-password-file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mail_builds_multipart_alternative),
        cmocka_unit_test(mail_text_only_is_a_single_part),
        cmocka_unit_test(mail_subject_and_name_become_encoded_words),
        cmocka_unit_test(mail_refuses_header_injection),
        cmocka_unit_test(mail_quoted_printable_is_7bit_and_round_trips),
        cmocka_unit_test(mail_respects_the_size_cap),
        cmocka_unit_test(mail_outbox_writes_a_private_file),
        cmocka_unit_test(mail_options_default_to_the_outbox),
        cmocka_unit_test(mail_options_read_the_password_file),
        cmocka_unit_test(mail_options_refuse_unsafe_combinations),
    };
    unsetenv("PORCH_CONFIG");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
