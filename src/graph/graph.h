/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every management API resource shares: the Graph error codes, response bodies with
 * @odata.context (entity, collection with @odata.nextLink and @odata.count, 201 + Location,
 * 204, the plain-text /$count), and checking of JSON write bodies against a per-resource
 * property table (unknown properties, read-only ones, types, @odata.type).
 *
 * A resource handler, in outline:
 *     struct odata_query q;
 *     if ((err = odata_parse(r, rs, &users_schema, 0, &q)) != PORCH_OK) return err;
 *     … store list with q.sq, scoped by r->auth->tenant_id, into a json array …
 *     return graph_send_collection(r, rs, "users", &q, items, more, count);
 * Every function renders into rs and is thread-safe with distinct requests.
 */
#ifndef PORCH_GRAPH_GRAPH_H
#define PORCH_GRAPH_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"

struct req;
struct resp;
struct odata_query;

/* Graph error codes (entra-compat §1.4). */
#define GRAPH_E_BAD_REQUEST     "Request_BadRequest"
#define GRAPH_E_NOT_FOUND       "Request_ResourceNotFound"
#define GRAPH_E_UNSUPPORTED     "Request_UnsupportedQuery"
#define GRAPH_E_DENIED          "Authorization_RequestDenied"
#define GRAPH_E_TOKEN           "InvalidAuthenticationToken"
#define GRAPH_E_CONFLICT        "Request_MultipleObjectsWithSameKeyValue"
#define GRAPH_E_OBJECT_CONFLICT "ObjectConflict"

/** The version root the client used: "{base}/v1.0" or "{base}/beta". Arena-owned. */
const char *graph_root(struct req *r);

/**
 * Renders the Graph envelope with a printf-style message. err picks the status from the error
 * table; code NULL takes GRAPH_E_UNSUPPORTED for PORCH_E_UNSUPPORTED and the table's code
 * otherwise. Returns err, so a handler can `return graph_error(…)`.
 */
enum porch_err graph_error(struct req *r, struct resp *rs, enum porch_err err, const char *code,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * 404 Request_ResourceNotFound: "Resource '<id>' does not exist or one of its queried
 * reference-property objects are not present." Returns PORCH_E_NOT_FOUND.
 */
enum porch_err graph_not_found(struct req *r, struct resp *rs, const char *id);

/**
 * "{root}/$metadata#<set>[(<select list>)][/$entity]" for @odata.context. set is the path
 * below the version root ("users", "auditLogs/directoryAudits"). Arena-owned.
 */
const char *graph_context(struct req *r, const char *set, const struct odata_query *q, bool entity);

/**
 * Drops the members of obj that q's $select does not name (no-op without $select or q NULL).
 * Annotations ("@odata.type") are kept.
 */
void graph_select(json_t *obj, const struct odata_query *q);

/**
 * 200 with obj (stolen) as a single entity: @odata.context first, then obj's members after
 * $select. PORCH_E_TOO_BIG past the response cap.
 */
enum porch_err graph_send_entity(struct req *r, struct resp *rs, const char *set,
                                 const struct odata_query *q, json_t *obj);

/**
 * 201 with obj (stolen) and `Location: {root}/<set>/<id>` for a create.
 */
enum porch_err graph_send_created(struct req *r, struct resp *rs, const char *set, const char *id,
                                  json_t *obj);

/**
 * 200 with a collection: {"@odata.context", ["@odata.count"], "value": items (stolen, $select
 * applied to each object), ["@odata.nextLink"]}. @odata.count appears when q->count and
 * count >= 0; @odata.nextLink when more (the repository fetched q->sq.limit = top + 1 rows and
 * got them all; pass the first top as items).
 */
enum porch_err graph_send_collection(struct req *r, struct resp *rs, const char *set,
                                     const struct odata_query *q, json_t *items, bool more,
                                     int64_t count);

/* One page of a list, filled by a repository callback. */
struct graph_page {
    json_t *items; /* the page's objects; handed to graph_send_collection */
    unsigned top;  /* page size */
    unsigned n;
    bool more; /* a row beyond the page was seen: there is a next page */
};

/** Starts an empty page of q->top objects (100 when q is NULL). */
void graph_page_init(struct graph_page *p, const struct odata_query *q);

/**
 * Appends obj (stolen; NULL is skipped) while the page has room; past it, drops obj and sets
 * p->more. Use it from the repository's row callback with the query's limit = top + 1.
 */
void graph_page_add(struct graph_page *p, json_t *obj);

/** 200 text/plain with the number alone, for `<collection>/$count`. */
enum porch_err graph_send_count(struct resp *rs, int64_t n);

/** 204 without a body (PATCH, DELETE, $ref). */
enum porch_err graph_send_no_content(struct resp *rs);

/* --- write bodies -------------------------------------------------------------------------- */

enum graph_prop_type {
    GRAPH_T_STRING,
    GRAPH_T_BOOL,
    GRAPH_T_INT,
    GRAPH_T_GUID,
    GRAPH_T_DATETIME, /* ISO-8601 UTC string */
    GRAPH_T_STRINGS,  /* array of strings */
    GRAPH_T_OBJECT,   /* a complex type, checked by the resource */
    GRAPH_T_ARRAY,    /* an array of anything, checked by the resource */
};

enum graph_prop_flags {
    GRAPH_P_READONLY = 1 << 0, /* read-only: a write naming it answers 400 */
    GRAPH_P_IGNORED = 1 << 1, /* read-only but silently dropped from writes (id, createdDateTime) */
    GRAPH_P_NULLABLE = 1 << 2, /* null is accepted */
    GRAPH_P_REQUIRED = 1 << 3, /* must be present on create */
};

struct graph_prop {
    const char *name;
    enum graph_prop_type type;
    unsigned flags;
    size_t max_len; /* strings (and each element of GRAPH_T_STRINGS): bytes; 0 = 256;
                       arrays: elements; 0 = 100 */
};

enum graph_type_flags {
    GRAPH_TYPE_OPEN_EXTENSIONS = 1 << 0, /* accept extension_<appid>_<name> properties as is */
};

/* A resource's writable shape. */
struct graph_type {
    const char *name;     /* "user": "@odata.type" must be "#microsoft.graph.user" (any case) */
    const char *resource; /* "User": named in "… of resource 'User'." */
    const struct graph_prop *props;
    size_t nprops;
    unsigned flags; /* enum graph_type_flags */
};

/**
 * Checks r->json as a create (create=true: required properties present) or update body for t.
 * A missing body or a non-object, an "@odata.type" other than t's, an unknown property
 * ("Property 'x' does not exist on type 'microsoft.graph.<name>'."), a GRAPH_P_READONLY one
 * ("Property 'x' is read-only and cannot be set."), a value of the wrong type or too long
 * ("Invalid value specified for property 'x' of resource 'T'."), or a missing required one
 * answers 400 Request_BadRequest (rendered; returns PORCH_E_INVALID). On success *body is
 * r->json with annotations and GRAPH_P_IGNORED members removed (borrowed from the request).
 */
enum porch_err graph_body_check(struct req *r, struct resp *rs, const struct graph_type *t,
                                bool create, json_t **body);

/** The entry of t for a property name (exact spelling), or NULL. */
const struct graph_prop *graph_type_prop(const struct graph_type *t, const char *name);

/** "2026-01-02T03:04:05Z" for t as a new json string. */
json_t *graph_datetime(int64_t t);

#endif
