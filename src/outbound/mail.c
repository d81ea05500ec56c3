/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mail: a MIME builder that refuses anything that could end a header line, and two ways out,
 * libcurl SMTP and the development outbox. The builder writes CRLF everywhere and
 * quoted-printable bodies, so the message is 7-bit clean and needs no 8BITMIME or SMTPUTF8 from
 * the server (unless an address itself is UTF-8); libcurl adds the SMTP dot-stuffing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "outbound/mail.h"
#include "outbound/outbound.h"
#include "core/b64.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define SUBJECT_MAX     998 /* bytes of the subject as given */
#define SUBJECT_RAW_MAX 900 /* longer ASCII subjects are encoded so that they fold */
#define NAME_MAX_LEN    256 /* bytes of the From display name */
#define QP_LINE         73  /* start a soft break before an encoded triple could pass column 76 */
#define EW_CHUNK        39  /* bytes per encoded-word: 52 base64 characters, 64 with the wrapper */
#define LINE_SHOULD     78  /* RFC 5322 §2.1.1: header lines should not be longer */

/* A message under construction; the first failure sticks and later writes do nothing. */
struct mime {
    struct sbuf *sb;
    enum porch_err err;
};

static void put(struct mime *mm, const char *s, size_t n)
{
    if (mm->err == PORCH_OK)
        mm->err = sbuf_add(mm->sb, s, n);
}

static void put_str(struct mime *mm, const char *s)
{
    put(mm, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void putf(struct mime *mm, const char *fmt, ...)
{
    va_list ap;

    if (mm->err != PORCH_OK)
        return;
    va_start(ap, fmt);
    mm->err = sbuf_vaddf(mm->sb, fmt, ap);
    va_end(ap);
}

void mail_config_init(struct mail_config *mc, const struct config *cfg)
{
    memset(mc, 0, sizeof(*mc));
    mc->smtp_url = cfg->smtp_url;
    mc->from = cfg->smtp_from;
    mc->username = cfg->smtp_username;
    mc->password = cfg->smtp_password;
    mc->starttls = cfg->smtp_starttls;
    mc->ca_file = cfg->smtp_ca_file;
    mc->connect_timeout_ms = MAIL_CONNECT_TIMEOUT_MS;
    mc->timeout_ms = MAIL_TIMEOUT_MS;
    mc->outbox_dir = cfg->outbox_dir;
}

/* Valid UTF-8 without NUL, CR, LF or any other control character except TAB. */
static bool header_safe(const char *s)
{
    size_t n = strlen(s), count;

    if (!utf8_count(s, n, &count))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < ' ' && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

/*
 * local@domain with nothing that has a meaning in an address header or an SMTP path: no
 * spaces, controls, angle brackets, quotes, parentheses, commas, semicolons, colons, backslashes
 * or square brackets, one '@', and valid UTF-8. Not a full syntax check (see mail.h).
 */
static bool address_safe(const char *s)
{
    const char *at = s ? strchr(s, '@') : NULL;

    if (!at || at == s || at[1] == '\0' || strchr(at + 1, '@') || strlen(s) > MAIL_ADDR_MAX ||
        !header_safe(s))
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || strchr("<>()[]\\,;:\"", c))
            return false;
    }
    return true;
}

static bool plain_ascii(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < ' ' || (unsigned char)*s > '~')
            return false;
    }
    return true;
}

/*
 * Writes s as RFC 2047 B encoded-words, cut on UTF-8 boundaries and folded with CRLF SP, so
 * that with a header name of up to 13 characters every line stays within 78. col is where
 * the first word starts; returns the column after the last one.
 */
static size_t put_encoded_words(struct mime *mm, const char *s, size_t col)
{
    size_t n = strlen(s), off = 0;
    char b64[B64_ENCODED_SIZE(EW_CHUNK)];

    while (off < n) {
        size_t take = n - off < EW_CHUNK ? n - off : EW_CHUNK;
        /* back off to the start of a code point: continuation bytes are 10xxxxxx */
        while (off + take < n && ((unsigned char)s[off + take] & 0xc0) == 0x80)
            take--;
        b64_encode(s + off, take, b64, sizeof(b64));
        putf(mm, "%s=?UTF-8?B?%s?=", off ? "\r\n " : "", b64);
        col = (off ? 1 : col) + strlen(b64) + 12;
        off += take;
    }
    return col;
}

/* An ASCII text is sent as is unless a decoder could mistake part of it for an encoded-word. */
static bool needs_encoding(const char *s)
{
    return !plain_ascii(s) || strstr(s, "=?") != NULL;
}

static void put_from(struct mime *mm, const char *name, const char *addr)
{
    put_str(mm, "From: ");
    if (name && *name && needs_encoding(name)) {
        size_t col = put_encoded_words(mm, name, strlen("From: "));
        if (col + strlen(addr) + 3 > LINE_SHOULD)
            put_str(mm, "\r\n");
        putf(mm, " <%s>\r\n", addr);
        return;
    }
    if (name && *name) {
        put(mm, "\"", 1);
        for (const char *p = name; *p; p++) {
            if (*p == '"' || *p == '\\')
                put(mm, "\\", 1);
            put(mm, p, 1);
        }
        putf(mm, "\" <%s>\r\n", addr);
        return;
    }
    putf(mm, "%s\r\n", addr);
}

static void put_subject(struct mime *mm, const char *subject)
{
    put_str(mm, "Subject: ");
    /* encoded-words fold, which keeps a long subject inside the 998-byte line limit */
    if (needs_encoding(subject) || strlen(subject) > SUBJECT_RAW_MAX)
        put_encoded_words(mm, subject, strlen("Subject: "));
    else
        put_str(mm, subject);
    put_str(mm, "\r\n");
}

/* RFC 5322 date-time in UTC, with English names whatever the locale. */
static void put_date(struct mime *mm, int64_t now)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)now;
    struct tm tm;

    if (!gmtime_r(&t, &tm)) {
        mm->err = PORCH_E_INTERNAL;
        return;
    }
    putf(mm, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
         months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool line_end_at(const char *s)
{
    return *s == '\0' || *s == '\n' || (s[0] == '\r' && s[1] == '\n');
}

/*
 * Quoted-printable (RFC 2045 §6.7): lines of at most 76 characters, input line ends as CRLF,
 * '=' and non-printable bytes as =XX, whitespace before a line end encoded, and a '.' or "From "
 * at the start of a line encoded too, so neither SMTP nor an mbox can change the line.
 */
static void put_qp(struct mime *mm, const char *s)
{
    size_t col = 0;

    while (*s) {
        unsigned char c = (unsigned char)*s;
        bool literal;

        if (line_end_at(s)) {
            put_str(mm, "\r\n");
            s += *s == '\r' ? 2 : 1;
            col = 0;
            continue;
        }
        if (col >= QP_LINE) {
            put_str(mm, "=\r\n");
            col = 0;
        }
        literal =
            (c > ' ' && c <= '~' && c != '=') || ((c == ' ' || c == '\t') && !line_end_at(s + 1));
        if (col == 0 && (c == '.' || strncmp(s, "From ", 5) == 0))
            literal = false;
        if (literal)
            put(mm, s, 1);
        else
            putf(mm, "=%02X", c);
        col += literal ? 1 : 3;
        s++;
    }
}

static void put_part(struct mime *mm, const char *boundary, const char *type, const char *body)
{
    putf(mm,
         "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
         boundary, type);
    put_qp(mm, body);
    put_str(mm, "\r\n");
}

static void put_bodies(struct mime *mm, const struct mail_message *m)
{
    unsigned char rnd[12];
    char hex[2 * sizeof(rnd) + 1], boundary[64];

    put_str(mm, "MIME-Version: 1.0\r\n");
    if (!m->html) {
        put_str(mm, "Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        put_qp(mm, m->text);
        put_str(mm, "\r\n");
        return;
    }
    /* "=_" cannot occur in quoted-printable text, so no body can contain the boundary */
    rand_bytes(rnd, sizeof(rnd));
    hex_encode(rnd, sizeof(rnd), hex);
    snprintf(boundary, sizeof(boundary), "=_porch_%s", hex);
    putf(mm, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n", boundary);
    put_part(mm, boundary, "text/plain", m->text);
    put_part(mm, boundary, "text/html", m->html);
    putf(mm, "--%s--\r\n", boundary);
}

static enum porch_err check_message(const struct mail_config *cfg, const struct mail_message *m,
                                    struct porch_error *e)
{
    size_t count;

    if (!address_safe(cfg->from))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "mail: the sender is not a bare address");
    if (!address_safe(m->to))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "mail: the recipient is not a bare address");
    if (m->from_name && (!header_safe(m->from_name) || strlen(m->from_name) > NAME_MAX_LEN))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "mail: the sender name has a control character or is too long");
    if (!m->subject || !*m->subject || !header_safe(m->subject) || strlen(m->subject) > SUBJECT_MAX)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "mail: the subject is missing, too long or has a control character");
    if (!m->text || !utf8_count(m->text, strlen(m->text), &count))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "mail: the text body is missing or not UTF-8");
    if (m->html && !utf8_count(m->html, strlen(m->html), &count))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "mail: the HTML body is not UTF-8");
    return PORCH_OK;
}

enum porch_err mail_build(const struct mail_config *cfg, const struct mail_message *m,
                          struct sbuf *out, struct porch_error *e)
{
    struct mime mm = {out, PORCH_OK};
    unsigned char rnd[16];
    char id[2 * sizeof(rnd) + 1];
    enum porch_err err = check_message(cfg, m, e);

    if (err != PORCH_OK)
        return err;
    rand_bytes(rnd, sizeof(rnd));
    hex_encode(rnd, sizeof(rnd), id);
    put_from(&mm, m->from_name, cfg->from);
    putf(&mm, "To: %s\r\n", m->to);
    put_subject(&mm, m->subject);
    put_date(&mm, clock_now());
    putf(&mm, "Message-ID: <%s@%s>\r\n", id, strchr(cfg->from, '@') + 1);
    put_str(&mm, "Auto-Submitted: auto-generated\r\n");
    put_bodies(&mm, m);
    if (mm.err == PORCH_E_TOO_BIG)
        return PORCH_ERROR_SET(e, mm.err, "mail: the message is larger than %zu bytes", out->max);
    if (mm.err != PORCH_OK)
        return PORCH_ERROR_SET(e, mm.err, "mail: cannot build the message");
    return PORCH_OK;
}

/* ---- SMTP ---- */

struct reader {
    const char *buf;
    size_t len, off;
};

static size_t read_message(char *dst, size_t size, size_t nmemb, void *ud)
{
    struct reader *r = ud;
    size_t n = size * nmemb;

    if (n > r->len - r->off)
        n = r->len - r->off;
    memcpy(dst, r->buf + r->off, n);
    r->off += n;
    return n;
}

static enum porch_err check_url(const struct mail_config *cfg, bool *smtps, struct porch_error *e)
{
    const char *u = cfg->smtp_url, *host;

    *smtps = strncmp(u, "smtps://", 8) == 0;
    if (!*smtps && strncmp(u, "smtp://", 7) != 0)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "mail: the SMTP URL must be smtp:// or smtps://");
    host = u + (*smtps ? 8 : 7);
    /* credentials in the URL would bypass the password file and show up in process listings */
    if (*host == '\0' || strcspn(host, "/") > strcspn(host, "@") || !plain_ascii(u) ||
        strchr(u, ' '))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "mail: the SMTP URL needs a host and no user name or spaces");
    if (cfg->username && !*smtps && !cfg->starttls)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "mail: credentials are never sent without TLS");
    return PORCH_OK;
}

static unsigned set_options(CURL *c, const struct mail_config *cfg, bool smtps,
                            struct curl_slist *rcpt, const char *from, struct reader *r,
                            char *errbuf)
{
    unsigned bad = 0;
    long use_ssl = smtps ? (long)CURLUSESSL_ALL
                         : (cfg->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);

    bad |= curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
    bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    bad |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    bad |= curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
    bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    bad |= curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (cfg->ca_file)
        bad |= curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
    if (cfg->username) {
        bad |= curl_easy_setopt(c, CURLOPT_USERNAME, cfg->username);
        bad |= curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
    }
    bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                            cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms
                                                        : (long)MAIL_CONNECT_TIMEOUT_MS);
    bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                            cfg->timeout_ms > 0 ? cfg->timeout_ms : (long)MAIL_TIMEOUT_MS);
    bad |= curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    bad |= curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    bad |= curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
    bad |= curl_easy_setopt(c, CURLOPT_READDATA, r);
    bad |= curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    return bad;
}

static enum porch_err smtp_send(const struct mail_config *cfg, const char *to,
                                const struct sbuf *msg, struct porch_error *e)
{
    enum porch_err err;
    CURL *c = NULL;
    struct curl_slist *rcpt = NULL;
    struct reader r = {msg->buf, msg->len, 0};
    char from[MAIL_ADDR_MAX + 3], rcpt_to[MAIL_ADDR_MAX + 3], errbuf[CURL_ERROR_SIZE] = "";
    bool smtps;
    CURLcode rc;

    err = check_url(cfg, &smtps, e);
    if (err != PORCH_OK)
        goto out;
    snprintf(from, sizeof(from), "<%s>", cfg->from);
    snprintf(rcpt_to, sizeof(rcpt_to), "<%s>", to);
    err = outbound_init();
    if (err == PORCH_OK) {
        c = curl_easy_init();
        rcpt = curl_slist_append(NULL, rcpt_to);
    }
    if (!c || !rcpt || set_options(c, cfg, smtps, rcpt, from, &r, errbuf) != 0) {
        err = PORCH_ERROR_SET(e, PORCH_E_INTERNAL, "mail: cannot set up libcurl");
        goto out;
    }
    rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        err = PORCH_ERROR_SET(e, rc == CURLE_LOGIN_DENIED ? PORCH_E_DENIED : PORCH_E_UNAVAILABLE,
                              "mail: cannot send via '%s': %s%s%s", cfg->smtp_url,
                              curl_easy_strerror(rc), *errbuf ? ": " : "", errbuf);
        goto out;
    }
    log_debug("mail sent via '%s'", cfg->smtp_url);
    err = PORCH_OK;
out:
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return err;
}

/* ---- development outbox ---- */

/* mkdir -p with mode 0700 for every directory it creates. */
static enum porch_err make_dirs(const char *path, struct porch_error *e)
{
    enum porch_err err = PORCH_OK;
    char *dir = xstrdup(path);
    struct stat st;

    for (char *p = strchr(dir + 1, '/');; p = strchr(p + 1, '/')) {
        if (p)
            *p = '\0';
        if (stat(dir, &st) != 0 && mkdir(dir, 0700) != 0 && errno != EEXIST) {
            err = PORCH_ERROR_SET(e, PORCH_E_IO, "mail: cannot create directory '%s': %s", dir,
                                  strerror(errno));
            break;
        }
        if (!p)
            break;
        *p = '/';
    }
    free(dir);
    return err;
}

static enum porch_err write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return PORCH_E_IO;
        buf += w;
        n -= (size_t)w;
    }
    return PORCH_OK;
}

/* Writes msg to tmp (created 0600, never through a symlink) and renames it to path. */
static enum porch_err write_file(const char *tmp, const char *path, const struct sbuf *msg,
                                 struct porch_error *e)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    bool ok;
    int saved;

    if (fd < 0)
        return PORCH_ERROR_SET(e, PORCH_E_IO, "mail: cannot create '%s': %s", tmp, strerror(errno));
    /* the umask can only take bits away; fchmod makes the mode exact */
    ok = fchmod(fd, 0600) == 0 && write_all(fd, msg->buf, msg->len) == PORCH_OK;
    saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (ok)
        return PORCH_OK;
    unlink(tmp);
    return PORCH_ERROR_SET(e, PORCH_E_IO, "mail: cannot write '%s': %s", path, strerror(saved));
}

/*
 * Development mode: the message goes to DIR/YYYYMMDDTHHMMSSZ-<16 hex>.eml, written under a
 * hidden temporary name first so that a reader polling the directory never sees half of it.
 */
static enum porch_err outbox_write(const char *dir, const struct sbuf *msg, struct porch_error *e)
{
    enum porch_err err;
    unsigned char rnd[8];
    char hex[2 * sizeof(rnd) + 1], stamp[32], *tmp = NULL, *path = NULL;
    time_t now = (time_t)clock_now();
    struct tm tm;
    size_t n;

    if (!dir || !*dir)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "mail: no SMTP URL and no outbox directory");
    err = make_dirs(dir, e);
    if (err != PORCH_OK)
        goto out;
    rand_bytes(rnd, sizeof(rnd));
    hex_encode(rnd, sizeof(rnd), hex);
    if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
        snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
    n = strlen(dir) + strlen(stamp) + strlen(hex) + 16;
    tmp = xmalloc(n);
    path = xmalloc(n);
    snprintf(tmp, n, "%s/.%s-%s.tmp", dir, stamp, hex);
    snprintf(path, n, "%s/%s-%s.eml", dir, stamp, hex);
    err = write_file(tmp, path, msg, e);
    if (err == PORCH_OK)
        log_info("mail written to '%s' (development mode: no --smtp-url)", path);
out:
    free(tmp);
    free(path);
    return err;
}

enum porch_err mail_send(const struct mail_config *cfg, const struct mail_message *m,
                         struct porch_error *e)
{
    enum porch_err err;
    struct sbuf msg;

    sbuf_init(&msg, MAIL_MAX_BYTES);
    err = mail_build(cfg, m, &msg, e);
    if (err != PORCH_OK)
        goto out;
    if (cfg->smtp_url)
        err = smtp_send(cfg, m->to, &msg, e);
    else
        err = outbox_write(cfg->outbox_dir, &msg, e);
out:
    /* the message may hold a one-time code */
    if (msg.cap)
        explicit_bzero(msg.buf, msg.cap);
    sbuf_release(&msg);
    return err;
}
