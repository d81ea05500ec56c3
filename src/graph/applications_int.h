/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the application, service principal, app role assignment and grant handlers share:
 * the object a route names ({id} or the alternate key (appId='…')), rendering of those
 * objects, and narrowing a client's list query to one parent. Internal to graph/; every
 * function is thread-safe with distinct requests.
 */
#ifndef PORCH_GRAPH_APPLICATIONS_INT_H
#define PORCH_GRAPH_APPLICATIONS_INT_H

#include <stdbool.h>

#include <jansson.h>

#include "core/err.h"
#include "store/app.h"
#include "store/query.h"
#include "store/sp.h"

struct db_conn;
struct req;
struct resp;

/* Where an application keeps its owners' object ids inside its data (never rendered). */
#define GRAPH_APPLICATIONS_OWNERS "porch:owners"

/**
 * The key in r->params[0], lower-cased (arena-owned); *by_app_id tells whether the route is
 * an alternate-key one (`(appId='…')`).
 */
const char *graph_applications_key(struct req *r, bool *by_app_id);

/**
 * Loads the application the route names in the caller's tenant into out (release with
 * store_app_row_release). PORCH_E_NOT_FOUND (not rendered) when there is none or the key is
 * not a GUID.
 */
enum porch_err graph_applications_find(struct db_conn *c, struct req *r, struct app_row *out);

/** The same for the service principal a /servicePrincipals route names. */
enum porch_err graph_applications_find_sp(struct db_conn *c, struct req *r, struct sp_row *out);

/**
 * q narrowed to rows whose column equals value: `<column> = ? [AND (<q's where>)]`, binds
 * and window kept. column is a literal from the caller. Arena-owned.
 */
struct store_query *graph_applications_scope(struct req *r, const struct store_query *q,
                                             const char *column, const char *value);

/** s as Graph's servicePrincipal object (caller owns). */
json_t *graph_applications_sp_json(const struct sp_row *s);

/** The JSON object in text, or a new empty object when it is not one. Caller owns. */
json_t *graph_applications_parse(const char *text);

/** Serializes j compactly (aborts on failure, which only OOM can cause). Caller frees. */
char *graph_applications_dump(const json_t *j);

#endif
