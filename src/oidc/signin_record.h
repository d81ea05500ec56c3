/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recording sign-ins for /auditLogs/signIns (entra-compat.md §2.12): interactive ones from the
 * hosted pages (success and each failure reason) and non-interactive ones from the token
 * endpoint (refresh). A failure to record is logged and never fails the sign-in itself.
 */
#ifndef PORCH_SIGNIN_RECORD_H
#define PORCH_SIGNIN_RECORD_H

#include <stdbool.h>

struct req;
struct db_conn;
struct user_row;

/* AADSTS numbers used as status.errorCode. */
#define SIGNIN_OK              0
#define SIGNIN_BAD_PASSWORD    50126
#define SIGNIN_UNKNOWN_USER    50034
#define SIGNIN_DISABLED        50057
#define SIGNIN_LOCKED          50053
#define SIGNIN_THROTTLED       50053 /* Entra uses it for blocked IPs too */
#define SIGNIN_REFRESH_INVALID 70008

struct signin_record {
    const char *tenant_id;
    const struct user_row *user; /* NULL when unknown */
    const char *user_id;         /* when user is NULL but the id is known */
    const char *sign_in_name;    /* what was typed, for unknown users */
    const char *app_id;
    const char *app_name;
    const char *resource_id;
    bool interactive;
    int error_code;
    const char *failure_reason; /* NULL for success */
};

/** Stores rec with r's client IP, user agent and correlation id. Never fails the caller. */
void signin_record(struct req *r, struct db_conn *c, const struct signin_record *rec);

#endif
