/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl's global initialization, done once. curl_global_init() is not thread-safe in every
 * libcurl build, so pthread_once serializes it instead of trusting curl_easy_init() to do it.
 */
#include <pthread.h>

#include <curl/curl.h>

#include "outbound/outbound.h"
#include "core/banned.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static CURLcode init_rc = CURLE_FAILED_INIT;

static void init_once(void)
{
    init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

enum porch_err outbound_init(void)
{
    pthread_once(&once, init_once);
    return init_rc == CURLE_OK ? PORCH_OK : PORCH_E_INTERNAL;
}
