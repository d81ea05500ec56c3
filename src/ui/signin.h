/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hosted sign-in (DESIGN.md §6): the authorization endpoint's interactive half and the
 * pages of a local-account sign-in — email, password, "stay signed in?" — each a step of a
 * journey (journey/journey.h) named by the __Host-porch-j-<tenant> cookie, with the journey's
 * CSRF token in every form. A live SSO session (cookie __Host-porch-s-<tenant>) answers the
 * request at once unless prompt or max_age ask for a new sign-in.
 *
 * No user enumeration: the email step accepts any well-formed address, and the password step
 * answers an unknown user, a wrong password, a disabled account and a locked account with the
 * same page and the same work (a password hash is checked every time). Failures count towards
 * the account lockout and the per-IP throttle (directory/lockout.h); a throttled address gets
 * 429 with Retry-After. Every sign-in and failure is recorded (oidc/signin_record.h).
 */
#ifndef PORCH_UI_SIGNIN_H
#define PORCH_UI_SIGNIN_H

#include "core/err.h"

struct req;
struct resp;

/* Journey and SSO session lifetimes (security-baseline.md). */
#define SIGNIN_JOURNEY_TTL   (30 * 60)
#define SIGNIN_SSO_IDLE      (24 * 3600)
#define SIGNIN_SSO_ABSOLUTE  (14 * 86400)

/* GET|POST /{tenant}/oauth2/v2.0/authorize */
enum porch_err ui_authorize(struct req *r, struct resp *rs);
/* GET /{tenant}/signin: the current step again, for a browser refresh */
enum porch_err ui_signin_get(struct req *r, struct resp *rs);
/* POST /{tenant}/signin/email, /password, /kmsi */
enum porch_err ui_signin_email_post(struct req *r, struct resp *rs);
enum porch_err ui_signin_password_post(struct req *r, struct resp *rs);
enum porch_err ui_signin_kmsi_post(struct req *r, struct resp *rs);
/* GET|POST /{tenant}/oauth2/v2.0/logout (ui/logout.c) */
enum porch_err ui_logout(struct req *r, struct resp *rs);

/* The cookie names for tenant_id (arena-owned). */
const char *signin_journey_cookie(struct req *r, const char *tenant_id);
const char *signin_sso_cookie(struct req *r, const char *tenant_id);

#endif
