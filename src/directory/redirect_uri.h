/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registration rules for an application's redirect URIs, per platform, as Entra applies them
 * when an app is registered: absolute URIs only, https unless the host is a loopback address
 * (http://localhost, http://127.0.0.1, http://[::1], any port), no wildcards, no fragments,
 * no user info, at most REDIRECT_URI_MAX_LEN bytes and REDIRECT_URI_MAX_COUNT per
 * application. Public clients may also use custom schemes (msal<appId>://auth,
 * com.example.app://callback) and urn:ietf:wg:oauth:2.0:oob. URIs are never normalised: the
 * registered string is what the authorize endpoint later compares exactly, so case and
 * trailing slashes are kept as given.
 */
#ifndef PORCH_REDIRECT_URI_H
#define PORCH_REDIRECT_URI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Longest redirect URI, in bytes (Entra's limit is 256 characters). */
#define REDIRECT_URI_MAX_LEN 256
/* Most redirect URIs one application may register, over all platforms. */
#define REDIRECT_URI_MAX_COUNT 256

enum redirect_uri_platform {
    REDIRECT_URI_WEB,    /* web.redirectUris: confidential clients */
    REDIRECT_URI_SPA,    /* spa.redirectUris: browser apps with PKCE */
    REDIRECT_URI_PUBLIC, /* publicClient.redirectUris: mobile and desktop apps */
};

/**
 * Checks one URI (NUL-terminated) for registration on platform p. PORCH_OK when acceptable;
 * PORCH_E_INVALID otherwise, with *reason (optional) set to a static, client-safe sentence
 * naming the rule ("https is required except for loopback addresses"). Thread-safe.
 */
enum porch_err redirect_uri_check(const char *uri, enum redirect_uri_platform p,
                                  const char **reason);

/** True when uri's host is localhost, 127.0.0.1 or [::1] (the uri is assumed checked). */
bool redirect_uri_is_loopback(const char *uri);

#endif
