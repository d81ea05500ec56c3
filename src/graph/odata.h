/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OData query options for the management API ($select, $filter, $orderby, $top, $count,
 * $search, $skiptoken, $expand, $skip), compiled against a per-resource schema into a
 * struct store_query that a repository appends to its own literal SQL. Client text never
 * becomes SQL: the compiler emits only the schema's column names, fixed operators and `?`
 * placeholders. A resource file declares one `static const struct odata_schema`, calls
 * odata_parse() at the top of its list handler, passes q.sq to its repository, and renders
 * with graph_send_collection() (graph/graph.h), which adds @odata.nextLink and @odata.count.
 *
 * Advanced queries (entra-compat §1.3) apply to schemas flagged ODATA_S_DIRECTORY: $count=true
 * is honoured only with `ConsistencyLevel: eventual` (silently ignored without), /$count and
 * $search need the header (400 without), and ne, not, endswith, `/$count` filters, fields or
 * orderings marked advanced, and $filter with $orderby need the header and $count=true.
 *
 * Paging tokens ($skiptoken) are the row offset with an HMAC-SHA256 over the tenant id, the
 * path, every other query option and the offset, keyed by a key derived from the master key
 * (secretbox_derive), so every node sharing the database and the master key accepts them, and a
 * token replayed against another tenant, path or query is refused.
 */
#ifndef PORCH_GRAPH_ODATA_H
#define PORCH_GRAPH_ODATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/query.h"

struct req;
struct resp;

/* Hard limits on $filter, checked before and while parsing. */
#define ODATA_FILTER_MAX_LEN   4096 /* bytes of $filter text */
#define ODATA_FILTER_MAX_DEPTH 24   /* nesting of parentheses, not and operators */
#define ODATA_FILTER_MAX_NODES 128  /* comparisons, functions and operators */
#define ODATA_FILTER_MAX_IN    50   /* values in one `in (…)` list */
#define ODATA_FILTER_MAX_BINDS 512

enum odata_type { ODATA_T_STRING, ODATA_T_BOOL, ODATA_T_INT, ODATA_T_DATETIME, ODATA_T_GUID };

enum odata_ops {
    ODATA_OP_EQ = 1 << 0,
    ODATA_OP_NE = 1 << 1,
    ODATA_OP_GT = 1 << 2,
    ODATA_OP_GE = 1 << 3,
    ODATA_OP_LT = 1 << 4,
    ODATA_OP_LE = 1 << 5,
    ODATA_OP_IN = 1 << 6,
    ODATA_OP_STARTSWITH = 1 << 7,
    ODATA_OP_ENDSWITH = 1 << 8, /* needs ci_column */
};
#define ODATA_OPS_EQ  (ODATA_OP_EQ | ODATA_OP_NE | ODATA_OP_IN)
#define ODATA_OPS_STR (ODATA_OPS_EQ | ODATA_OP_STARTSWITH)
#define ODATA_OPS_ORD (ODATA_OPS_EQ | ODATA_OP_GT | ODATA_OP_GE | ODATA_OP_LT | ODATA_OP_LE)

enum odata_field_flags {
    ODATA_F_ADVANCED = 1 << 0, /* filtering on this field is an advanced query */
};

/*
 * A filterable property. Column values: strings and GUIDs as text (GUIDs lower-case),
 * booleans as 0/1, datetimes as Unix seconds. With ci_column set, eq/ne/in/startswith/
 * endswith compare that column, which the repository keeps as an ASCII-lower-cased copy of the
 * value, against the ASCII-lower-cased literal: case-insensitive the same way on both backends.
 */
struct odata_field {
    const char
        *name; /* Graph property path, matched case-insensitively ("initiatedBy/app/appId") */
    const char *column;    /* SQL column, possibly qualified ("x.issuer") */
    const char *ci_column; /* lower-cased copy, or NULL */
    enum odata_type type;
    unsigned ops;   /* enum odata_ops allowed */
    unsigned flags; /* enum odata_field_flags */
};

/*
 * A collection property filtered with any(): `identities/any(c:c/issuer eq 'x' and …)`.
 * With table set this compiles to EXISTS (SELECT 1 FROM <table> WHERE <join> AND (…)); with
 * table NULL the collection holds at most one element stored in the row's own columns, and
 * the condition is used as it is. Inside the lambda only fields[] may be named (after `c/`).
 */
struct odata_lambda {
    const char *name;  /* "identities" */
    const char *table; /* "user_identities x" (with its alias), or NULL */
    const char *join;  /* "x.tenant_id = users.tenant_id AND x.user_id = users.id" */
    const struct odata_field *fields;
    size_t nfields;
    bool countable; /* allows `<name>/$count eq N` (advanced; needs table) */
};

struct odata_order {
    const char *name;   /* "displayName" */
    const char *column; /* "display_name" */
    bool advanced;      /* ordering by it is an advanced query */
};

/* A property $search may name ("displayName:wa"): word-prefix match on a lower-cased copy. */
struct odata_search {
    const char *name;
    const char *ci_column;
};

enum odata_schema_flags {
    ODATA_S_DIRECTORY = 1 << 0, /* directory object: the advanced-query rules apply */
    ODATA_S_COUNT = 1 << 1,     /* $count=true and the /$count segment are supported */
    ODATA_S_EXPAND = 1 << 2,    /* $expand is handed to the handler in q->expand */
};

struct odata_schema {
    const char *type_name;    /* "user": named in messages as microsoft.graph.user */
    const char *resource;     /* "User": named in "… of resource 'User'." */
    const char *const *props; /* every property $select may name; NULL-terminated */
    const struct odata_field *fields;
    size_t nfields;
    const struct odata_lambda *lambdas;
    size_t nlambdas;
    const struct odata_order *orders;
    size_t norders;
    const struct odata_search *search;
    size_t nsearch;
    const char *tiebreak;      /* unique column closing every ORDER BY ("id") */
    const char *default_order; /* ORDER BY without $orderby; NULL: "<tiebreak> ASC" */
    unsigned default_top;      /* 0: 100 */
    unsigned max_top;          /* 0: 999 */
    unsigned flags;            /* enum odata_schema_flags */
};

/* Constructs that make a filter an advanced query (struct odata_filter.advanced). */
enum odata_advanced {
    ODATA_ADV_NE = 1 << 0,
    ODATA_ADV_NOT = 1 << 1,
    ODATA_ADV_ENDSWITH = 1 << 2,
    ODATA_ADV_COUNT = 1 << 3,
    ODATA_ADV_FIELD = 1 << 4,
};

/* A compiled $filter: SQL over schema columns and placeholders, with its values. */
struct odata_filter {
    const char *where; /* arena-owned; "" for no filter */
    struct store_bind *binds;
    size_t nbinds;
    unsigned advanced; /* enum odata_advanced */
};

/**
 * Parses and compiles a $filter expression against s into *out (everything arena-owned).
 * Grammar: or/and/not, parentheses, eq ne gt ge lt le, `in (…)`, startswith(p,'x'),
 * endswith(p,'x'), `<collection>/any(v:…)`, `<collection>/$count <op> N`; literals 'string'
 * ('' escapes a quote), true, false, null, integers, ISO-8601 UTC datetimes, GUIDs.
 * Errors (message for the client in e->msg, never quoting more than a short token):
 * PORCH_E_INVALID for a syntax error or a limit (Request_BadRequest), PORCH_E_UNSUPPORTED for
 * a valid construct the schema or Porch does not support (Request_UnsupportedQuery), naming
 * it. Thread-safe.
 */
enum porch_err odata_filter_compile(const struct odata_schema *s, const char *text, struct arena *a,
                                    struct odata_filter *out, struct porch_error *e);

/* The parsed query options of one list request. */
struct odata_query {
    const struct odata_schema *schema;
    const char **select; /* canonical property names; NULL when $select is absent */
    size_t nselect;
    const char *select_list; /* "displayName,id" for @odata.context, or NULL */
    const char *expand;      /* $expand text when the schema allows it, else NULL */
    bool count;              /* put @odata.count in the body (or answer /$count) */
    bool eventual;           /* ConsistencyLevel: eventual was sent */
    unsigned top;            /* page size */
    struct store_query sq;   /* where, binds, order_by; limit = top + 1; offset */
    /* for @odata.nextLink */
    const char *tenant_id;
    const char *path;
    const char *normalized; /* every query option but $skiptoken, as received */
};

enum odata_parse_flags {
    ODATA_COUNT_SEGMENT = 1 << 0, /* the request is `<collection>/$count` */
};

/**
 * Parses r's query options against s into *q (arena-owned), for a list in the tenant of
 * r->auth. Repeated options, unknown `$` options, $skip, $top outside 1..max_top, unknown
 * $select/$orderby properties, $expand without ODATA_S_EXPAND, and every rule of the
 * advanced-query section above answer 400 with the Graph envelope already rendered in rs
 * (Request_BadRequest or Request_UnsupportedQuery naming the construct); a tampered,
 * foreign or replayed $skiptoken answers 400 Request_BadRequest. Returns PORCH_OK or the
 * error (rs filled). Thread-safe.
 */
enum porch_err odata_parse(struct req *r, struct resp *rs, const struct odata_schema *s,
                           unsigned flags, struct odata_query *q);

/**
 * The absolute @odata.nextLink for the page after q's (same path and options, $skiptoken
 * replaced), or NULL when it cannot be made (logged). Arena-owned.
 */
const char *odata_next_link(struct req *r, const struct odata_query *q);

/** True when $select is absent or names prop (canonical spelling). */
bool odata_selected(const struct odata_query *q, const char *prop);

/**
 * Parses a single-entity request's options: only $select (and $expand with ODATA_S_EXPAND) are
 * allowed; anything else answers 400 as odata_parse does. Returns PORCH_OK or the error.
 */
enum porch_err odata_parse_entity(struct req *r, struct resp *rs, const struct odata_schema *s,
                                  struct odata_query *q);

#endif
