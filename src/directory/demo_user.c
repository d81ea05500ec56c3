/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo user of `porch init --demo-user`. The password is drawn without modulo bias from
 * letters and digits that cannot be mistaken for one another when read off a terminal, and
 * the user is built as a Graph POST /users body so that every rule of the directory applies
 * to it as to any other user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "directory/demo_user.h"
#include "directory/email.h"
#include "directory/password_policy.h"
#include "directory/users.h"
#include "core/clock.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/ct.h"
#include "store/user.h"
#include "core/banned.h"

/* No 0/O, 1/l/I: the password is read off a terminal. */
static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/* Tries before giving up on a password the policy accepts (one try is all it takes). */
#define MAX_TRIES 8

static void random_password(char out[DEMO_USER_PASSWORD_LEN + 1])
{
    const unsigned n = sizeof(alphabet) - 1, limit = 256 - 256 % n;
    size_t len = 0;

    while (len < DEMO_USER_PASSWORD_LEN) {
        unsigned char b[32];

        rand_bytes(b, sizeof(b));
        for (size_t i = 0; i < sizeof(b) && len < DEMO_USER_PASSWORD_LEN; i++) {
            if (b[i] < limit)
                out[len++] = alphabet[b[i] % n];
        }
        ct_cleanse(b, sizeof(b));
    }
    out[len] = '\0';
}

enum porch_err demo_user_prepare(const char *email, const char *tenant_name, struct demo_user *out,
                                 struct porch_error *e)
{
    struct password_policy pol = {false, tenant_name, NULL, 0};
    struct password_policy_result pr;
    enum porch_err err = PORCH_E_INVALID;

    memset(out, 0, sizeof(*out));
    if (!email || strlen(email) > DEMO_USER_EMAIL_MAX || !email_valid(email))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "demo user: '%s' is not an email address",
                               email ? email : "");
    snprintf(out->email, sizeof(out->email), "%s", email);
    for (int i = 0; i < MAX_TRIES && err == PORCH_E_INVALID; i++) {
        random_password(out->password);
        err = password_policy_hash(&pol, out->password, strlen(out->password), &pr, &out->hash);
    }
    if (err != PORCH_OK)
        return PORCH_ERROR_SET(e, err, "demo user: cannot make a password: %s", porch_err_str(err));
    return PORCH_OK;
}

/* The Graph POST /users body for u (holds the password: wiped by the caller's decref). */
static json_t *body(const struct tenant *t, const struct demo_user *u)
{
    return json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}], s:{s:s, s:b}, s:s}", "displayName",
                     DEMO_USER_DISPLAY_NAME, "mail", u->email, "identities", "signInType",
                     "emailAddress", "issuer", t->default_domain, "issuerAssignedId", u->email,
                     "passwordProfile", "password", u->password, "forceChangePasswordNextSignIn", 0,
                     "passwordPolicies", "DisablePasswordExpiration");
}

enum porch_err demo_user_insert(struct db_conn *c, const struct tenant *t, struct demo_user *u,
                                struct porch_error *e)
{
    int64_t now = clock_now();
    struct users_ctx ctx = {t->id, t->default_domain, now, NULL, NULL};
    struct users_result res;
    json_t *b = body(t, u);
    enum porch_err err;

    memset(&res, 0, sizeof(res));
    if (!b)
        PORCH_BUG("cannot build the demo user");
    err = users_prepare_create(&ctx, b, &res, e);
    if (err != PORCH_OK)
        goto out;
    res.row.password_hash = xstrdup(u->hash);
    res.row.password_changed_at = now;
    err = store_user_insert_in_tx(c, &res.row, e);
    if (err == PORCH_OK)
        memcpy(u->id, res.row.id, sizeof(u->id));
out:
    users_result_release(&res);
    json_decref(b);
    return err;
}

void demo_user_release(struct demo_user *u)
{
    free(u->hash);
    ct_cleanse(u, sizeof(*u));
}
