/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The token viewer, GET /{tenant}/tokenviewer: the redirect URI of the "Porch token viewer"
 * application every tenant gets (directory/builtin_apps.h), a relying party Porch hosts for
 * itself in the manner of jwt.ms, so a new tenant can be tried with a browser alone. Without a
 * code it starts a sign-in (authorization code with PKCE) at the tenant's authorize endpoint;
 * with one it redeems it and shows the decoded ID and access tokens, their claims explained.
 * It only decodes: the tokens come straight from our own token endpoint.
 */
#ifndef PORCH_UI_TOKENVIEWER_H
#define PORCH_UI_TOKENVIEWER_H

#include "core/err.h"

struct req;
struct resp;

/* The cookie that carries "<state>.<code verifier>" from the start to the callback. */
#define TOKENVIEWER_COOKIE "__Host-porch-tv"

/**
 * GET /{tenant}/tokenviewer. The redirect URI is the viewer's registered spa URI for the
 * address the browser used (else the one under the public URL); with neither, an error page
 * says what to register.
 * - No code and no error: a 302 to the authorize endpoint (client_id the viewer, scope openid
 *   profile email offline_access, S256 challenge, state, nonce, client_info=1; prompt passed
 *   on when it is one of login, select_account, create, none), with state and verifier in
 *   TOKENVIEWER_COOKIE (HttpOnly, Secure, SameSite=Lax, 10 minutes).
 * - code and state: the state must match the cookie (which is cleared); the code is redeemed
 *   through oidc_code_redeem and the tokens page rendered.
 * - error (and error_description): the error page.
 * PORCH_E_NOT_FOUND for an unknown tenant or a tenant without the viewer (error page
 * rendered). Thread-safe.
 */
enum porch_err ui_tokenviewer_get(struct req *r, struct resp *rs);

#endif
