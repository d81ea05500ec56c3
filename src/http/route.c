/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Route matching over a static table (http/routes.c holds the real one). The table is small
 * and scanned linearly: every row is tried so that a path known under another method yields
 * 405 with an accurate Allow header rather than 404. Matching works on the percent-decoded
 * path; urlenc_decode_path has already rejected %2F and dot segments, so a segment here is
 * exactly a segment the client sent. A parameter may sit between literals inside one segment,
 * as Graph's alternate keys do (`/applications(appId='{appId}')`): it then takes what lies
 * between them.
 */
#include <stdbool.h>
#include <string.h>

#include "http/req.h"
#include "http/route.h"
#include "core/banned.h"

struct capture {
    const char *start;
    size_t len;
};

static const struct {
    const char *name;
    unsigned bit;
} methods[] = {
    {"GET", ROUTE_M_GET},         {"HEAD", ROUTE_M_HEAD},   {"POST", ROUTE_M_POST},
    {"PUT", ROUTE_M_PUT},         {"PATCH", ROUTE_M_PATCH}, {"DELETE", ROUTE_M_DELETE},
    {"OPTIONS", ROUTE_M_OPTIONS},
};

unsigned route_method_bit(const char *method)
{
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (strcmp(methods[i].name, method) == 0)
            return methods[i].bit;
    }
    return 0;
}

/* Matches one pattern; fills caps[0..*ncap) with the {param} segments. */
static bool pattern_match(const char *pat, const char *path, struct capture *caps, size_t *ncap)
{
    *ncap = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *close = strchr(pat, '}');
            size_t seg = strcspn(path, "/"), suffix;

            if (!close || *ncap == REQ_MAX_PARAMS)
                PORCH_BUG("bad route pattern '%s'", pat);
            /* "{name}')": the capture stops before a literal tail in the same segment */
            suffix = strcspn(close + 1, "/");
            if (seg <= suffix || strncmp(path + seg - suffix, close + 1, suffix) != 0)
                return false;
            seg -= suffix;
            caps[*ncap].start = path;
            caps[*ncap].len = seg;
            (*ncap)++;
            pat = close + 1;
            path += seg;
            continue;
        }
        if (*pat != *path)
            return false;
        pat++;
        path++;
    }
    return *pat == '\0' && *path == '\0';
}

static unsigned row_bits(const struct route *row)
{
    unsigned bit = route_method_bit(row->method);

    return bit == ROUTE_M_GET ? bit | ROUTE_M_HEAD : bit;
}

const struct route *route_match(const struct route *table, size_t n, struct arena *a,
                                const char *method, const char *path, const char *params[],
                                unsigned *allowed)
{
    const struct route *found = NULL;
    struct capture caps[REQ_MAX_PARAMS], found_caps[REQ_MAX_PARAMS];
    size_t ncap, found_n = 0;
    unsigned bits = 0, want = route_method_bit(method);

    for (size_t i = 0; i < n; i++) {
        if (!pattern_match(table[i].pattern, path, caps, &ncap))
            continue;
        bits |= row_bits(&table[i]);
        if (!found && want && (row_bits(&table[i]) & want)) {
            found = &table[i];
            found_n = ncap;
            memcpy(found_caps, caps, sizeof(caps));
        }
    }
    for (size_t i = 0; i < REQ_MAX_PARAMS; i++)
        params[i] = i < found_n ? arena_strndup(a, found_caps[i].start, found_caps[i].len) : NULL;
    if (allowed)
        *allowed = bits;
    return found;
}

const char *route_allow_header(struct arena *a, unsigned allowed)
{
    char buf[64];
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        size_t len = strlen(methods[i].name);

        if (!(allowed & methods[i].bit))
            continue;
        if (o) {
            memcpy(buf + o, ", ", 2);
            o += 2;
        }
        memcpy(buf + o, methods[i].name, len);
        o += len;
    }
    return arena_strndup(a, buf, o);
}

enum porch_err route_cors_preflight(struct req *r, struct resp *rs)
{
    /* the protocol endpoints (token, revoke, UserInfo) take POSTs and bearer tokens from SPAs */
    bool protocol = r->path && (strstr(r->path, "/oauth2/") || strstr(r->path, "/openid/"));

    resp_header_set(rs, "Access-Control-Allow-Origin", "*");
    resp_header_set(rs, "Access-Control-Allow-Methods",
                    protocol ? "GET, POST, OPTIONS" : "GET, OPTIONS");
    if (protocol)
        resp_header_set(rs, "Access-Control-Allow-Headers",
                        "Authorization, Content-Type, client-request-id, return-client-request-id, "
                        "x-client-SKU, x-client-VER, x-client-OS, x-client-CPU, "
                        "x-client-current-telemetry, x-client-last-telemetry, "
                        "x-ms-lib-capability, x-app-name, x-app-ver");
    resp_header_set(rs, "Access-Control-Max-Age", "86400");
    rs->status = 204;
    return PORCH_OK;
}
