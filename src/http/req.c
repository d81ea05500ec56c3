/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Accessors for the request that handlers see, and the helpers that fill a response: headers
 * (arena-owned, kept in order), JSON and raw bodies (in the capped body buffer). Nothing here
 * knows about libmicrohttpd; http/server_conn.c builds the request and http/server_resp.c
 * sends the response.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "http/req.h"
#include "http/server.h"
#include "core/banned.h"

#define RESP_HEADERS_MIN 8

const char *kvlist_get(const struct kvlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->items[i].name, name) == 0)
            return l->items[i].value;
    }
    return NULL;
}

size_t kvlist_count(const struct kvlist *l, const char *name)
{
    size_t n = 0;

    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->items[i].name, name) == 0)
            n++;
    }
    return n;
}

const char *req_query(const struct req *r, const char *name)
{
    return kvlist_get(&r->query, name);
}

const char *req_form(const struct req *r, const char *name)
{
    return kvlist_get(&r->form, name);
}

const char *req_header(const struct req *r, const char *name)
{
    for (size_t i = 0; i < r->headers.n; i++) {
        if (strcasecmp(r->headers.items[i].name, name) == 0)
            return r->headers.items[i].value;
    }
    return NULL;
}

const char *req_base_url(const struct req *r)
{
    const struct config *cfg = r->srv ? r->srv->cfg : NULL;

    if (cfg && cfg->public_url && cfg->public_url[0])
        return cfg->public_url;
    return arena_printf(r->arena, "%s://%s", r->scheme ? r->scheme : "http",
                        r->host ? r->host : "localhost");
}

static void body_release(void *obj)
{
    sbuf_release(obj);
}

void resp_init(struct resp *rs, struct arena *a, size_t max_body)
{
    memset(rs, 0, sizeof(*rs));
    rs->status = 200;
    rs->arena = a;
    sbuf_init(&rs->body, max_body);
    arena_defer(a, body_release, &rs->body);
}

void resp_header(struct resp *rs, const char *name, const char *value)
{
    struct kv *items;

    if (rs->headers.n == rs->headers_cap) {
        size_t cap = rs->headers_cap ? rs->headers_cap * 2 : RESP_HEADERS_MIN;
        items = arena_alloc(rs->arena, cap * sizeof(*items));
        if (rs->headers.n)
            memcpy(items, rs->headers.items, rs->headers.n * sizeof(*items));
        rs->headers.items = items;
        rs->headers_cap = cap;
    }
    rs->headers.items[rs->headers.n].name = arena_strdup(rs->arena, name);
    rs->headers.items[rs->headers.n].value = arena_strdup(rs->arena, value);
    rs->headers.n++;
}

void resp_header_set(struct resp *rs, const char *name, const char *value)
{
    size_t out = 0;

    for (size_t i = 0; i < rs->headers.n; i++) {
        if (strcasecmp(rs->headers.items[i].name, name) != 0)
            rs->headers.items[out++] = rs->headers.items[i];
    }
    rs->headers.n = out;
    resp_header(rs, name, value);
}

const char *resp_header_get(const struct resp *rs, const char *name)
{
    for (size_t i = 0; i < rs->headers.n; i++) {
        if (strcasecmp(rs->headers.items[i].name, name) == 0)
            return rs->headers.items[i].value;
    }
    return NULL;
}

enum porch_err resp_body(struct resp *rs, unsigned status, const char *content_type,
                         const char *buf, size_t len)
{
    enum porch_err err;

    sbuf_reset(&rs->body);
    rs->content_type = NULL;
    err = sbuf_add(&rs->body, buf, len);
    if (err != PORCH_OK)
        return err;
    rs->status = status;
    rs->content_type = content_type;
    return PORCH_OK;
}

enum porch_err resp_json(struct resp *rs, unsigned status, json_t *j)
{
    enum porch_err err = PORCH_E_INTERNAL;
    char *text = NULL;

    if (!j)
        goto out;
    text = json_dumps(j, JSON_COMPACT);
    if (!text)
        goto out;
    err = resp_body(rs, status, "application/json; charset=utf-8", text, strlen(text));
out:
    free(text);
    json_decref(j);
    return err;
}
