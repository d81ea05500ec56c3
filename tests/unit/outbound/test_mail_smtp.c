/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mail_send over real SMTP: a small SMTP sink on 127.0.0.1 in a thread of this test (EHLO, MAIL,
 * RCPT, DATA, QUIT; no TLS) receives what libcurl sends, so the envelope, the DATA transfer and
 * the refusals (no STARTTLS offered, recipient rejected, nobody listening) are checked end to end.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "outbound/mail.h"
#include "core/sbuf.h"

enum sink_mode { SINK_ACCEPT, SINK_REJECT_RCPT };

struct sink {
    int lfd, port;
    enum sink_mode mode;
    pthread_t thread;
    /* filled by the thread, read after pthread_join */
    char ehlo[256], mail_from[320], rcpt_to[320];
    bool got_starttls, got_quit;
    struct sbuf data;
};

struct conn {
    int fd;
    char buf[4096];
    size_t len;
};

/* Reads one CRLF-terminated line (CRLF removed) into out. false at EOF, error or timeout. */
static bool read_line(struct conn *c, char *out, size_t n)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        struct pollfd p = {c->fd, POLLIN, 0};
        ssize_t got;
        if (nl) {
            size_t l = (size_t)(nl - c->buf);
            size_t copy = l > 0 && c->buf[l - 1] == '\r' ? l - 1 : l;
            if (copy >= n)
                copy = n - 1;
            memcpy(out, c->buf, copy);
            out[copy] = '\0';
            memmove(c->buf, nl + 1, c->len - l - 1);
            c->len -= l + 1;
            return true;
        }
        if (c->len == sizeof(c->buf) || poll(&p, 1, 10000) != 1)
            return false;
        got = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
        if (got <= 0)
            return false;
        c->len += (size_t)got;
    }
}

/* No cmocka assertions on the sink's thread: a short write shows up as a failed send. */
static void say(struct conn *c, const char *s)
{
    if (write(c->fd, s, strlen(s)) < 0)
        return;
}

/* DATA until the lone dot; lines are un-dot-stuffed and kept with CRLF. */
static void read_data(struct sink *s, struct conn *c)
{
    char line[2048];

    while (read_line(c, line, sizeof(line))) {
        if (strcmp(line, ".") == 0)
            return;
        sbuf_adds(&s->data, line[0] == '.' ? line + 1 : line);
        sbuf_adds(&s->data, "\r\n");
    }
}

static void converse(struct sink *s, struct conn *c)
{
    char line[1024];

    say(c, "220 sink.test ESMTP\r\n");
    while (read_line(c, line, sizeof(line))) {
        if (strncasecmp(line, "EHLO ", 5) == 0) {
            snprintf(s->ehlo, sizeof(s->ehlo), "%.255s", line + 5);
            say(c, "250-sink.test\r\n250-SIZE 10485760\r\n250 8BITMIME\r\n");
        } else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
            snprintf(s->mail_from, sizeof(s->mail_from), "%.319s", line + 10);
            say(c, "250 ok\r\n");
        } else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
            snprintf(s->rcpt_to, sizeof(s->rcpt_to), "%.319s", line + 8);
            say(c, s->mode == SINK_REJECT_RCPT ? "550 5.1.1 no such user\r\n" : "250 ok\r\n");
        } else if (strcasecmp(line, "DATA") == 0) {
            say(c, "354 end with <CRLF>.<CRLF>\r\n");
            read_data(s, c);
            say(c, "250 2.0.0 queued\r\n");
        } else if (strcasecmp(line, "STARTTLS") == 0) {
            s->got_starttls = true;
            say(c, "502 not offered\r\n");
        } else if (strcasecmp(line, "QUIT") == 0) {
            s->got_quit = true;
            say(c, "221 bye\r\n");
            return;
        } else {
            say(c, strcasecmp(line, "RSET") == 0 || strcasecmp(line, "NOOP") == 0
                       ? "250 ok\r\n"
                       : "502 not implemented\r\n");
        }
    }
}

static void *sink_main(void *arg)
{
    struct sink *s = arg;
    struct pollfd p = {s->lfd, POLLIN, 0};
    struct conn c = {.fd = -1};

    if (poll(&p, 1, 10000) != 1)
        return NULL;
    c.fd = accept(s->lfd, NULL, NULL);
    if (c.fd < 0)
        return NULL;
    converse(s, &c);
    close(c.fd);
    return NULL;
}

/* Listens on 127.0.0.1 on a free port; binds only, so the port can also be left unserved. */
static void sink_listen(struct sink *s, enum sink_mode mode)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t alen = sizeof(a);

    memset(s, 0, sizeof(*s));
    s->mode = mode;
    sbuf_init(&s->data, MAIL_MAX_BYTES);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s->lfd >= 0);
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &alen), 0);
    s->port = ntohs(a.sin_port);
}

static void sink_start(struct sink *s, enum sink_mode mode)
{
    sink_listen(s, mode);
    assert_int_equal(listen(s->lfd, 4), 0);
    assert_int_equal(pthread_create(&s->thread, NULL, sink_main, s), 0);
}

/* Waits for the conversation to end; s->data stays until sink_free(). */
static void sink_stop(struct sink *s)
{
    pthread_join(s->thread, NULL);
    close(s->lfd);
}

static void sink_free(struct sink *s)
{
    sbuf_release(&s->data);
}

static void config_for(struct mail_config *cfg, char *url, size_t n, int port)
{
    snprintf(url, n, "smtp://127.0.0.1:%d", port);
    memset(cfg, 0, sizeof(*cfg));
    cfg->smtp_url = url;
    cfg->from = "no-reply@contoso.example";
    cfg->starttls = false; /* the sink speaks plain SMTP */
    cfg->connect_timeout_ms = 2000;
    cfg->timeout_ms = 10000;
}

static const struct mail_message msg = {
    .to = "ada@example.org",
    .from_name = "Contoso",
    .subject = "Your code",
    .text = "Your code is 12345678.\n.\nThat dot above is not the end.\n",
    .html = "<p>Your code is <b>12345678</b>.</p>",
};

static void smtp_delivers_the_message(void **state)
{
    struct sink s;
    struct mail_config cfg;
    struct porch_error e = {0};
    char url[64];
    (void)state;
    sink_start(&s, SINK_ACCEPT);
    config_for(&cfg, url, sizeof(url), s.port);
    assert_int_equal(mail_send(&cfg, &msg, &e), PORCH_OK);
    sink_stop(&s);
    assert_true(s.ehlo[0] != '\0');
    assert_string_equal(s.mail_from, "<no-reply@contoso.example>");
    assert_string_equal(s.rcpt_to, "<ada@example.org>");
    assert_true(s.got_quit);
    assert_false(s.got_starttls);
    /* the sink saw the whole message, headers to closing boundary */
    assert_true(strncmp(s.data.buf, "From: \"Contoso\" <no-reply@contoso.example>\r\n", 44) == 0);
    assert_non_null(strstr(s.data.buf, "\r\nTo: ada@example.org\r\n"));
    assert_non_null(strstr(s.data.buf, "\r\nSubject: Your code\r\n"));
    assert_non_null(strstr(s.data.buf, "Your code is 12345678.\r\n=2E\r\nThat dot above"));
    assert_non_null(strstr(s.data.buf, "<p>Your code is <b>12345678</b>.</p>"));
    assert_int_equal(strcmp(s.data.buf + s.data.len - 4, "--\r\n"), 0);
    sink_free(&s);
}

static void smtp_requires_starttls_when_asked(void **state)
{
    struct sink s;
    struct mail_config cfg;
    struct porch_error e = {0};
    char url[64];
    (void)state;
    sink_start(&s, SINK_ACCEPT);
    config_for(&cfg, url, sizeof(url), s.port);
    cfg.starttls = true; /* the sink does not offer it: never fall back to plain text */
    assert_int_equal(mail_send(&cfg, &msg, &e), PORCH_E_UNAVAILABLE);
    sink_stop(&s);
    assert_string_equal(s.mail_from, "");
    assert_int_equal(s.data.len, 0);
    assert_non_null(strstr(e.msg, "cannot send via"));
    sink_free(&s);
}

static void smtp_reports_a_rejected_recipient(void **state)
{
    struct sink s;
    struct mail_config cfg;
    struct porch_error e = {0};
    char url[64];
    (void)state;
    sink_start(&s, SINK_REJECT_RCPT);
    config_for(&cfg, url, sizeof(url), s.port);
    assert_int_equal(mail_send(&cfg, &msg, &e), PORCH_E_UNAVAILABLE);
    sink_stop(&s);
    assert_string_equal(s.rcpt_to, "<ada@example.org>");
    assert_int_equal(s.data.len, 0);
    sink_free(&s);
}

static void smtp_reports_an_unreachable_server(void **state)
{
    struct sink s;
    struct mail_config cfg;
    struct porch_error e = {0};
    char url[64];
    (void)state;
    sink_listen(&s, SINK_ACCEPT); /* bound, never listening: connection refused */
    config_for(&cfg, url, sizeof(url), s.port);
    assert_int_equal(mail_send(&cfg, &msg, &e), PORCH_E_UNAVAILABLE);
    close(s.lfd);
    sink_free(&s);
}

static void smtp_refuses_unsafe_settings_before_connecting(void **state)
{
    struct mail_config cfg;
    struct porch_error e = {0};
    struct mail_message bad = msg;
    char url[64];
    (void)state;
    /* port 9 (discard) is never contacted: each case fails before libcurl runs */
    config_for(&cfg, url, sizeof(url), 9);
    cfg.username = "porch";
    cfg.password = "secret";
    assert_int_equal(mail_send(&cfg, &msg, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "without TLS"));
    cfg.username = cfg.password = NULL;
    cfg.smtp_url = "smtp://user:pass@127.0.0.1:9";
    assert_int_equal(mail_send(&cfg, &msg, &e), PORCH_E_INVALID);
    cfg.smtp_url = "http://127.0.0.1:9";
    assert_int_equal(mail_send(&cfg, &msg, &e), PORCH_E_INVALID);
    cfg.smtp_url = url;
    bad.to = "ada@example.org\r\nRCPT TO:<eve@evil.example>";
    assert_int_equal(mail_send(&cfg, &bad, &e), PORCH_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(smtp_delivers_the_message),
        cmocka_unit_test(smtp_requires_starttls_when_asked),
        cmocka_unit_test(smtp_reports_a_rejected_recipient),
        cmocka_unit_test(smtp_reports_an_unreachable_server),
        cmocka_unit_test(smtp_refuses_unsafe_settings_before_connecting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
