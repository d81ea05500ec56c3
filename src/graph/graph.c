/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Graph response bodies and write-body checks. @odata.context is always the first member of
 * a body (jansson keeps insertion order), as Graph sends it and as some clients expect.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "graph/graph.h"
#include "graph/odata.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "http/errors.h"
#include "http/req.h"
#include "core/banned.h"

#define DEFAULT_MAX_STR 256
#define DEFAULT_MAX_ARR 100

const char *graph_root(struct req *r)
{
    bool beta = r->path && strncmp(r->path, "/beta", 5) == 0;

    return arena_printf(r->arena, "%s/%s", req_base_url(r), beta ? "beta" : "v1.0");
}

enum porch_err graph_error(struct req *r, struct resp *rs, enum porch_err err, const char *code,
                           const char *fmt, ...)
{
    va_list ap;
    const char *msg = NULL;

    if (fmt) {
        va_start(ap, fmt);
        msg = arena_vprintf(r->arena, fmt, ap);
        va_end(ap);
    }
    if (!code && err == PORCH_E_UNSUPPORTED)
        code = GRAPH_E_UNSUPPORTED;
    return http_error_graph(r, rs, err, code, msg);
}

enum porch_err graph_not_found(struct req *r, struct resp *rs, const char *id)
{
    return graph_error(r, rs, PORCH_E_NOT_FOUND, GRAPH_E_NOT_FOUND,
                       "Resource '%s' does not exist or one of its queried reference-property "
                       "objects are not present.",
                       id ? id : "");
}

const char *graph_context(struct req *r, const char *set, const struct odata_query *q, bool entity)
{
    const char *sel = q && q->select_list ? q->select_list : NULL;

    return arena_printf(r->arena, "%s/$metadata#%s%s%s%s%s", graph_root(r), set, sel ? "(" : "",
                        sel ? sel : "", sel ? ")" : "", entity ? "/$entity" : "");
}

void graph_select(json_t *obj, const struct odata_query *q)
{
    const char *k;
    json_t *v;
    void *tmp;

    if (!q || !q->select || !json_is_object(obj))
        return;
    json_object_foreach_safe(obj, tmp, k, v)
    {
        if (k[0] != '@' && !odata_selected(q, k))
            json_object_del(obj, k);
    }
}

/* A new object with @odata.context first and then obj's members (obj is released). */
static json_t *with_context(const char *ctx, json_t *obj)
{
    json_t *out = json_object();

    json_object_set_new(out, "@odata.context", json_string(ctx));
    json_object_update(out, obj);
    json_decref(obj);
    return out;
}

enum porch_err graph_send_entity(struct req *r, struct resp *rs, const char *set,
                                 const struct odata_query *q, json_t *obj)
{
    if (!obj)
        return PORCH_E_INTERNAL;
    graph_select(obj, q);
    return resp_json(rs, 200, with_context(graph_context(r, set, q, true), obj));
}

enum porch_err graph_send_created(struct req *r, struct resp *rs, const char *set, const char *id,
                                  json_t *obj)
{
    if (!obj)
        return PORCH_E_INTERNAL;
    resp_header_set(rs, "Location", arena_printf(r->arena, "%s/%s/%s", graph_root(r), set, id));
    return resp_json(rs, 201, with_context(graph_context(r, set, NULL, true), obj));
}

enum porch_err graph_send_collection(struct req *r, struct resp *rs, const char *set,
                                     const struct odata_query *q, json_t *items, bool more,
                                     int64_t count)
{
    json_t *out = json_object(), *v;
    const char *next = more && q ? odata_next_link(r, q) : NULL;
    size_t i;

    json_object_set_new(out, "@odata.context", json_string(graph_context(r, set, q, false)));
    if (q && q->count && count >= 0)
        json_object_set_new(out, "@odata.count", json_integer(count));
    json_array_foreach(items, i, v)
    {
        graph_select(v, q);
    }
    json_object_set_new(out, "value", items ? items : json_array());
    if (next)
        json_object_set_new(out, "@odata.nextLink", json_string(next));
    return resp_json(rs, 200, out);
}

void graph_page_init(struct graph_page *p, const struct odata_query *q)
{
    p->items = json_array();
    p->top = q ? q->top : 100;
    p->n = 0;
    p->more = false;
}

void graph_page_add(struct graph_page *p, json_t *obj)
{
    if (!obj)
        return;
    if (p->n >= p->top) {
        p->more = true;
        json_decref(obj);
        return;
    }
    json_array_append_new(p->items, obj);
    p->n++;
}

enum porch_err graph_send_count(struct resp *rs, int64_t n)
{
    char buf[24];
    int len = snprintf(buf, sizeof(buf), "%lld", (long long)n);

    return resp_body(rs, 200, "text/plain; charset=utf-8", buf, (size_t)len);
}

enum porch_err graph_send_no_content(struct resp *rs)
{
    return resp_body(rs, 204, NULL, "", 0);
}

json_t *graph_datetime(int64_t t)
{
    char buf[32];

    return json_string(clock_format_iso(t, buf, sizeof(buf)));
}

/* --- write bodies -------------------------------------------------------------------------- */

const struct graph_prop *graph_type_prop(const struct graph_type *t, const char *name)
{
    for (size_t i = 0; i < t->nprops; i++)
        if (strcmp(t->props[i].name, name) == 0)
            return &t->props[i];
    return NULL;
}

static bool string_ok(json_t *v, size_t max)
{
    return json_is_string(v) && json_string_length(v) <= (max ? max : DEFAULT_MAX_STR);
}

static bool strings_ok(json_t *v, const struct graph_prop *p)
{
    json_t *e;
    size_t i;

    if (!json_is_array(v) || json_array_size(v) > DEFAULT_MAX_ARR)
        return false;
    json_array_foreach(v, i, e)
    {
        if (!string_ok(e, p->max_len))
            return false;
    }
    return true;
}

static bool value_ok(json_t *v, const struct graph_prop *p)
{
    int64_t t;

    if (json_is_null(v))
        return p->flags & GRAPH_P_NULLABLE;
    switch (p->type) {
    case GRAPH_T_STRING:
        return string_ok(v, p->max_len);
    case GRAPH_T_BOOL:
        return json_is_boolean(v);
    case GRAPH_T_INT:
        return json_is_integer(v);
    case GRAPH_T_GUID:
        return json_is_string(v) && uuid_valid(json_string_value(v));
    case GRAPH_T_DATETIME:
        return json_is_string(v) && clock_parse_iso(json_string_value(v), &t) == 0;
    case GRAPH_T_STRINGS:
        return strings_ok(v, p);
    case GRAPH_T_OBJECT:
        return json_is_object(v);
    case GRAPH_T_ARRAY:
        return json_is_array(v) &&
               json_array_size(v) <= (p->max_len ? p->max_len : DEFAULT_MAX_ARR);
    }
    return false;
}

static bool odata_type_ok(const struct graph_type *t, json_t *v)
{
    static const char prefix[] = "#microsoft.graph.";
    const char *s = json_string_value(v);

    return s && strncasecmp(s, prefix, sizeof(prefix) - 1) == 0 &&
           strcasecmp(s + sizeof(prefix) - 1, t->name) == 0;
}

/* Checks one member; renders and returns PORCH_E_INVALID, or sets *drop for ignored ones. */
static enum porch_err check_member(struct req *r, struct resp *rs, const struct graph_type *t,
                                   const char *k, json_t *v, bool *drop)
{
    const struct graph_prop *p = graph_type_prop(t, k);

    *drop = false;
    if (strcmp(k, "@odata.type") == 0 && !odata_type_ok(t, v))
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid @odata.type for a resource of type 'microsoft.graph.%s'.",
                           t->name);
    if (k[0] == '@' ||
        (!p && (t->flags & GRAPH_TYPE_OPEN_EXTENSIONS) && strncmp(k, "extension_", 10) == 0)) {
        *drop = k[0] == '@';
        return PORCH_OK;
    }
    if (!p)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Property '%s' does not exist on type 'microsoft.graph.%s'.", k,
                           t->name);
    if (p->flags & GRAPH_P_IGNORED) {
        *drop = true;
        return PORCH_OK;
    }
    if (p->flags & GRAPH_P_READONLY)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Property '%s' is read-only and cannot be set.", k);
    if (!value_ok(v, p))
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid value specified for property '%s' of resource '%s'.", k,
                           t->resource);
    return PORCH_OK;
}

enum porch_err graph_body_check(struct req *r, struct resp *rs, const struct graph_type *t,
                                bool create, json_t **body)
{
    json_t *b = r->json, *v;
    const char *k;
    void *tmp;
    bool drop;

    *body = NULL;
    if (!json_is_object(b))
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Empty Payload. JSON content expected.");
    json_object_foreach_safe(b, tmp, k, v)
    {
        if (check_member(r, rs, t, k, v, &drop) != PORCH_OK)
            return PORCH_E_INVALID;
        if (drop)
            json_object_del(b, k);
    }
    for (size_t i = 0; create && i < t->nprops; i++) {
        if ((t->props[i].flags & GRAPH_P_REQUIRED) && !json_object_get(b, t->props[i].name))
            return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                               "Property '%s' is required when creating the object.",
                               t->props[i].name);
    }
    *body = b;
    return PORCH_OK;
}
