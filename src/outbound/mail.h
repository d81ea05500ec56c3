/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Outgoing mail: one message to one recipient, as a MIME multipart/alternative (text/plain and
 * text/html, UTF-8, quoted-printable) sent over SMTP through libcurl, or, with no SMTP server
 * configured (development mode), written as an .eml file into an outbox directory.
 *
 * Header safety is enforced here: every header value is refused when it holds CR, LF or another
 * control character, and addresses must be bare (local@domain, no spaces, angle brackets,
 * quotes, commas or other RFC 5322 specials), so nothing a caller passes can add a header or a
 * recipient. Full address syntax (directory/email.h's email_valid) sits in a layer above this
 * one and is the caller's job: validate user-supplied addresses before they get here.
 */
#ifndef PORCH_MAIL_H
#define PORCH_MAIL_H

#include <stdbool.h>

#include "core/config.h"
#include "core/err.h"
#include "core/sbuf.h"

#define MAIL_MAX_BYTES          (1024 * 1024) /* a whole built message */
#define MAIL_ADDR_MAX           254           /* RFC 5321 path limit */
#define MAIL_CONNECT_TIMEOUT_MS 10000         /* default for mail_config.connect_timeout_ms */
#define MAIL_TIMEOUT_MS         60000         /* default for mail_config.timeout_ms */

/* Where and how mail goes. Every string is borrowed; the struct owns nothing. */
struct mail_config {
    const char *smtp_url;    /* smtp://host[:587] or smtps://host[:465]; NULL: development outbox */
    const char *from;        /* bare sender address: MAIL FROM and the From header */
    const char *username;    /* SMTP AUTH, or NULL (then password is ignored) */
    const char *password;    /* SMTP AUTH password, or NULL */
    bool starttls;           /* smtp:// only: require STARTTLS (CURLUSESSL_ALL), else plain SMTP */
    const char *ca_file;     /* PEM bundle that verifies the server, or NULL: system store */
    long connect_timeout_ms; /* 0: MAIL_CONNECT_TIMEOUT_MS */
    long timeout_ms;         /* whole transaction; 0: MAIL_TIMEOUT_MS */
    const char *outbox_dir;  /* development mode: where .eml files go (created 0700) */
};

/* One message. Every string is borrowed and must be valid UTF-8. */
struct mail_message {
    const char *to;        /* bare recipient address */
    const char *from_name; /* display name for From ("Contoso"), or NULL */
    const char *subject;   /* one line; RFC 2047 encoded when not plain ASCII */
    const char *text;      /* text/plain body, required; LF or CRLF line ends */
    const char *html;      /* text/html body, or NULL for a text-only message */
};

/**
 * Points mc at the mail options of cfg (--smtp-url, --smtp-from, --smtp-username, the password
 * read from --smtp-password-file, --smtp-ca-file, --smtp-starttls, --outbox-dir) with default
 * timeouts. Borrows cfg's strings: mc is valid until cfg is released. Thread-safe.
 */
void mail_config_init(struct mail_config *mc, const struct config *cfg);

/**
 * Builds m as a complete RFC 5322/MIME message with CRLF line ends into out, which the caller
 * initializes (sbuf_init(out, MAIL_MAX_BYTES)) and releases; out holds the body, which may carry
 * one-time codes, so wipe it when done. Adds From, To, Subject, Date (clock_now), Message-ID
 * (random, at the sender's domain), MIME-Version and Auto-Submitted.
 * PORCH_E_INVALID (e says which field) for a control character in a header value, an address
 * that is not bare, a missing subject or text, or a body that is not UTF-8; PORCH_E_TOO_BIG past
 * out's cap. Thread-safe.
 */
enum porch_err mail_build(const struct mail_config *cfg, const struct mail_message *m,
                          struct sbuf *out, struct porch_error *e);

/**
 * Builds m (see mail_build) and delivers it: over SMTP to cfg->smtp_url when set (TLS verified,
 * at least TLS 1.2, STARTTLS required for smtp:// when cfg->starttls, credentials never sent
 * without TLS, connect and total timeouts), else into cfg->outbox_dir as
 * "YYYYMMDDTHHMMSSZ-<random>.eml", mode 0600, whose path is logged at info (the body never is).
 * Blocks until the server has accepted the message or the timeout passes.
 * Errors: as mail_build; PORCH_E_INVALID for a bad cfg; PORCH_E_UNAVAILABLE when the server
 * cannot be reached, refuses TLS or the message; PORCH_E_DENIED when it refuses the
 * credentials; PORCH_E_IO when the outbox cannot be written. Thread-safe (libcurl's global
 * state is set up once through outbound_init()).
 */
enum porch_err mail_send(const struct mail_config *cfg, const struct mail_message *m,
                         struct porch_error *e);

#endif
