/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The query options of list requests, and the signed paging token. $filter is compiled by
 * odata_filter.c; this file checks everything else, applies the advanced-query rules and
 * assembles the struct store_query a repository runs. Messages quote Graph's where Graph has
 * a fixed text, so scripts matching on them keep working.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "core/b64.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "crypto/ct.h"
#include "crypto/mac.h"
#include "crypto/secretbox.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "http/urlenc.h"
#include "core/banned.h"

#define MAX_SELECT      64
#define MAX_SEARCH      8
#define MAX_OFFSET      100000000u
#define TOKEN_RAW       (8 + MAC_SHA256_LEN)
#define SKIPTOKEN_LABEL "graph-skiptoken-v1"
#define QUERY_MAX       (16 * 1024)

static const char *const known[] = {"$select", "$filter", "$orderby",   "$top",  "$count",
                                    "$search", "$expand", "$skiptoken", "$skip", NULL};

static enum porch_err bad(struct req *r, struct resp *rs, const char *msg)
{
    return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST, "%s", msg);
}

static enum porch_err unsupported(struct req *r, struct resp *rs, const char *msg)
{
    return graph_error(r, rs, PORCH_E_UNSUPPORTED, GRAPH_E_UNSUPPORTED, "%s", msg);
}

/* Unknown `$` options and repeats; returns PORCH_OK or the rendered error. */
static enum porch_err check_options(struct req *r, struct resp *rs)
{
    for (size_t i = 0; i < r->query.n; i++) {
        const char *name = r->query.items[i].name;
        size_t k;

        if (name[0] != '$')
            continue;
        for (k = 0; known[k] && strcmp(known[k], name) != 0; k++)
            ;
        if (!known[k])
            return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                               "Query option '%.40s' is not supported.", name);
        if (kvlist_count(&r->query, name) > 1)
            return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                               "Query option '%s' was specified more than once, but it must be "
                               "specified at most once.",
                               name);
    }
    if (req_query(r, "$skip"))
        return bad(r, rs, "'$skip' is not supported by the service.");
    return PORCH_OK;
}

static const char *canonical_prop(const struct odata_schema *s, const char *name, size_t len)
{
    for (size_t i = 0; s->props && s->props[i]; i++)
        if (strlen(s->props[i]) == len && strncasecmp(s->props[i], name, len) == 0)
            return s->props[i];
    return NULL;
}

static enum porch_err parse_select(struct req *r, struct resp *rs, const struct odata_schema *s,
                                   struct odata_query *q)
{
    const char *v = req_query(r, "$select"), *p;
    struct sbuf list;
    enum porch_err err = PORCH_OK;

    if (!v || !*v)
        return PORCH_OK;
    q->select = arena_calloc(r->arena, MAX_SELECT, sizeof(char *));
    sbuf_init(&list, QUERY_MAX);
    for (p = v; *p && err == PORCH_OK; p += *p == ',') {
        size_t lead = strspn(p, " "), len = strcspn(p + lead, ","), n = len;
        const char *name;

        while (n > 0 && p[lead + n - 1] == ' ')
            n--;
        name = canonical_prop(s, p + lead, n);
        if (!name || q->nselect == MAX_SELECT) {
            err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                              "Parsing OData Select and Expand failed: Could not find a property "
                              "named '%.*s' on type 'microsoft.graph.%s'.",
                              (int)(n > 64 ? 64 : n), p + lead, s->type_name);
            break;
        }
        if (!odata_selected(q, name)) {
            q->select[q->nselect++] = name;
            err = sbuf_addf(&list, "%s%s", list.len ? "," : "", name);
        }
        p += lead + len;
    }
    if (err == PORCH_OK)
        q->select_list = arena_strndup(r->arena, list.buf, list.len);
    sbuf_release(&list);
    return err == PORCH_E_TOO_BIG ? bad(r, rs, "The $select option is too long.") : err;
}

bool odata_selected(const struct odata_query *q, const char *prop)
{
    if (!q || !q->select)
        return true;
    for (size_t i = 0; i < q->nselect; i++)
        if (strcmp(q->select[i], prop) == 0)
            return true;
    return false;
}

static enum porch_err parse_top(struct req *r, struct resp *rs, const struct odata_schema *s,
                                struct odata_query *q)
{
    const char *v = req_query(r, "$top");
    unsigned max = s->max_top ? s->max_top : 999;
    unsigned long n = 0;
    size_t len = v ? strlen(v) : 0;

    q->top = s->default_top ? s->default_top : 100;
    if (!v)
        return PORCH_OK;
    if (len > 0 && len < 8 && strspn(v, "0123456789") == len)
        n = strtoul(v, NULL, 10);
    if (n < 1 || n > max)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid page size specified: '%.16s'. Must be between 1 and %u "
                           "inclusive.",
                           v, max);
    q->top = (unsigned)n;
    return PORCH_OK;
}

/* $orderby: one property, asc or desc, always closed by the tie-break column. */
static enum porch_err parse_orderby(struct req *r, struct resp *rs, const struct odata_schema *s,
                                    struct odata_query *q, bool *advanced)
{
    const char *v = req_query(r, "$orderby"), *dir;
    size_t n;
    bool desc = false;

    q->sq.order_by = s->default_order
                         ? s->default_order
                         : arena_printf(r->arena, "%s ASC", s->tiebreak ? s->tiebreak : "id");
    if (!v || !*v)
        return PORCH_OK;
    v += strspn(v, " ");
    n = strcspn(v, " ,");
    dir = v + n + strspn(v + n, " ");
    if (strcasecmp(dir, "desc") == 0)
        desc = true;
    else if (*dir && strcasecmp(dir, "asc") != 0)
        return unsupported(r, rs,
                           "Unsupported query: $orderby takes one property, then asc "
                           "or desc.");
    for (size_t i = 0; i < s->norders; i++) {
        if (strlen(s->orders[i].name) != n || strncasecmp(s->orders[i].name, v, n) != 0)
            continue;
        *advanced = s->orders[i].advanced;
        q->sq.order_by =
            arena_printf(r->arena, "%s %s, %s %s", s->orders[i].column, desc ? "DESC" : "ASC",
                         s->tiebreak ? s->tiebreak : "id", desc ? "DESC" : "ASC");
        return PORCH_OK;
    }
    return graph_error(r, rs, PORCH_E_UNSUPPORTED, GRAPH_E_UNSUPPORTED,
                       "Unsupported query: $orderby on property '%.*s' is not supported.",
                       (int)(n > 64 ? 64 : n), v);
}

/* --- $search ------------------------------------------------------------------------------ */

static const struct odata_search *search_field(const struct odata_schema *s, const char *n,
                                               size_t len)
{
    for (size_t i = 0; i < s->nsearch; i++)
        if (strlen(s->search[i].name) == len && strncasecmp(s->search[i].name, n, len) == 0)
            return &s->search[i];
    return NULL;
}

/* Appends "(c LIKE ? ESCAPE '\' OR c LIKE ? ESCAPE '\')" for a word-prefix match of term. */
static enum porch_err search_term(struct arena *a, struct sbuf *sql, struct store_bind *b,
                                  const char *col, const char *term, size_t len)
{
    struct sbuf pat;
    enum porch_err err;

    sbuf_init(&pat, 2 * QUERY_MAX);
    err = PORCH_OK;
    for (size_t i = 0; i < len && err == PORCH_OK; i++) {
        char c = term[i] >= 'A' && term[i] <= 'Z' ? (char)(term[i] - 'A' + 'a') : term[i];
        if (c == '%' || c == '_' || c == '\\')
            err = sbuf_addch(&pat, '\\');
        if (err == PORCH_OK)
            err = sbuf_addch(&pat, c);
    }
    if (err == PORCH_OK)
        err = sbuf_addf(sql, "(%s LIKE ? ESCAPE '\\' OR %s LIKE ? ESCAPE '\\')", col, col);
    b[0].text = arena_printf(a, "%s%%", pat.buf);
    b[1].text = arena_printf(a, "%% %s%%", pat.buf);
    sbuf_release(&pat);
    return err;
}

/*
 * $search="displayName:wa" [AND|OR "mail:x" …]: each term matches values with a word that
 * starts with the text, case-insensitively, as Graph's tokenized search does.
 */
static enum porch_err parse_search(struct req *r, struct resp *rs, const struct odata_schema *s,
                                   struct odata_filter *out)
{
    const char *p = req_query(r, "$search");
    struct sbuf sql;
    enum porch_err err = PORCH_OK;
    size_t n = 0;

    out->binds = arena_calloc(r->arena, 2 * MAX_SEARCH, sizeof(struct store_bind));
    sbuf_init(&sql, QUERY_MAX);
    while (err == PORCH_OK && *p) {
        const char *colon, *end;
        const struct odata_search *f;

        p += strspn(p, " ");
        if (n > 0) {
            bool and = strncmp(p, "AND ", 4) == 0;
            if (!and&&strncmp(p, "OR ", 3) != 0)
                break;
            err = sbuf_adds(&sql, and? " AND " : " OR ");
            p += and? 3 : 2;
            p += strspn(p, " ");
        }
        colon = *p == '"' ? strchr(p, ':') : NULL;
        end = colon ? strchr(colon, '"') : NULL;
        f = end ? search_field(s, p + 1, (size_t)(colon - p - 1)) : NULL;
        if (!f || n == MAX_SEARCH || end == colon + 1) {
            err = unsupported(r, rs,
                              "Unsupported query: $search takes \"property:text\" terms "
                              "on displayName or mail, joined by AND or OR.");
            break;
        }
        if (err == PORCH_OK)
            err = search_term(r->arena, &sql, out->binds + 2 * n, f->ci_column, colon + 1,
                              (size_t)(end - colon - 1));
        n++;
        p = end + 1;
        p += strspn(p, " ");
    }
    if (err == PORCH_OK && (n == 0 || *p))
        err = unsupported(r, rs, "Unsupported query: the $search expression is not valid.");
    if (err == PORCH_E_TOO_BIG)
        err = bad(r, rs, "The $search option is too long.");
    out->where = err == PORCH_OK ? arena_strndup(r->arena, sql.buf, sql.len) : "";
    out->nbinds = 2 * n;
    sbuf_release(&sql);
    return err;
}

/* --- $skiptoken ---------------------------------------------------------------------------- */

/* Every query option but $skiptoken, re-encoded in the order received. */
static const char *normalize(struct req *r)
{
    struct sbuf sb;
    const char *out = NULL;
    enum porch_err err = PORCH_OK;

    sbuf_init(&sb, QUERY_MAX);
    for (size_t i = 0; i < r->query.n && err == PORCH_OK; i++) {
        const struct kv *kv = &r->query.items[i];
        if (strcmp(kv->name, "$skiptoken") == 0)
            continue;
        if (sb.len)
            err = sbuf_addch(&sb, '&');
        if (err == PORCH_OK && kv->name[0] == '$')
            err = sbuf_addch(&sb, '$');
        if (err == PORCH_OK)
            err = urlenc_encode(&sb, kv->name + (kv->name[0] == '$'));
        if (err == PORCH_OK)
            err = sbuf_addch(&sb, '=');
        if (err == PORCH_OK)
            err = urlenc_encode(&sb, kv->value);
    }
    if (err == PORCH_OK)
        out = arena_strndup(r->arena, sb.buf, sb.len);
    sbuf_release(&sb);
    return out;
}

/* MAC over tenant, path, the normalized query and the offset. */
static enum porch_err token_mac(struct req *r, const struct odata_query *q,
                                const unsigned char off[8], unsigned char mac[MAC_SHA256_LEN])
{
    unsigned char key[SECRETBOX_KEY_LEN];
    struct sbuf msg;
    enum porch_err err;

    err = secretbox_derive(r->srv ? r->srv->sb : NULL, SKIPTOKEN_LABEL, key);
    sbuf_init(&msg, 3 * QUERY_MAX);
    if (err == PORCH_OK)
        err = sbuf_addf(&msg, "%s%c%s%c%s%c", q->tenant_id, 0, q->path, 0, q->normalized, 0);
    if (err == PORCH_OK)
        err = sbuf_add(&msg, off, 8);
    if (err == PORCH_OK)
        err = mac_hmac_sha256(key, sizeof(key), msg.buf, msg.len, mac);
    ct_cleanse(key, sizeof(key));
    sbuf_release(&msg);
    return err;
}

static void put_be64(unsigned char out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (unsigned char)(v & 0xff);
}

static enum porch_err parse_skiptoken(struct req *r, struct resp *rs, struct odata_query *q)
{
    const char *v = req_query(r, "$skiptoken");
    unsigned char raw[TOKEN_RAW + 1], mac[MAC_SHA256_LEN];
    size_t n = 0;
    uint64_t off = 0;

    if (!v)
        return PORCH_OK;
    if (b64url_decode(v, strlen(v), raw, sizeof(raw), &n) != PORCH_OK || n != TOKEN_RAW)
        return bad(r, rs, "The $skiptoken is not valid.");
    for (int i = 0; i < 8; i++)
        off = (off << 8) | raw[i];
    if (token_mac(r, q, raw, mac) != PORCH_OK)
        return http_error_graph(r, rs, PORCH_E_INTERNAL, NULL, NULL);
    if (ct_compare(mac, raw + 8, MAC_SHA256_LEN) != 0 || off > MAX_OFFSET)
        return bad(r, rs, "The $skiptoken is not valid for this request.");
    q->sq.offset = (unsigned)off;
    return PORCH_OK;
}

const char *odata_next_link(struct req *r, const struct odata_query *q)
{
    unsigned char raw[TOKEN_RAW];
    char tok[B64_ENCODED_SIZE(TOKEN_RAW)];
    uint64_t off = (uint64_t)q->sq.offset + q->top;

    if (off > MAX_OFFSET || !q->normalized)
        return NULL;
    put_be64(raw, off);
    if (token_mac(r, q, raw, raw + 8) != PORCH_OK) {
        log_error("cannot sign a paging token for '%s'", q->path);
        return NULL;
    }
    b64url_encode(raw, sizeof(raw), tok, sizeof(tok));
    return arena_printf(r->arena, "%s%s?%s%s$skiptoken=%s", req_base_url(r), q->path, q->normalized,
                        *q->normalized ? "&" : "", tok);
}

/* --- assembly ------------------------------------------------------------------------------ */

static bool header_is(const struct req *r, const char *name, const char *value)
{
    const char *v = req_header(r, name);

    return v && strcasecmp(v, value) == 0;
}

/* $count=true and the /$count segment, under the advanced-query rules. */
static enum porch_err parse_count_option(struct req *r, struct resp *rs,
                                         const struct odata_schema *s, unsigned flags,
                                         struct odata_query *q, bool *requested)
{
    const char *v = req_query(r, "$count");
    bool dir = s->flags & ODATA_S_DIRECTORY;

    if (v && strcasecmp(v, "true") != 0 && strcasecmp(v, "false") != 0)
        return bad(r, rs, "The value of $count must be true or false.");
    *requested = v && strcasecmp(v, "true") == 0;
    if ((*requested || (flags & ODATA_COUNT_SEGMENT)) && !(s->flags & ODATA_S_COUNT))
        return unsupported(r, rs, "Unsupported query: $count is not supported on this resource.");
    if ((flags & ODATA_COUNT_SEGMENT) && dir && !q->eventual)
        return bad(r, rs, "$count is not currently supported.");
    /* without ConsistencyLevel: eventual, Graph ignores $count=true on directory objects */
    q->count = (flags & ODATA_COUNT_SEGMENT) || (*requested && (!dir || q->eventual));
    *requested = *requested || (flags & ODATA_COUNT_SEGMENT);
    return PORCH_OK;
}

/* $filter and $search, joined into q->sq; *advanced collects what needs an advanced query. */
static enum porch_err parse_where(struct req *r, struct resp *rs, const struct odata_schema *s,
                                  struct odata_query *q, unsigned *advanced)
{
    struct odata_filter f, sr = {.where = ""};
    struct porch_error e = {0};
    struct store_bind *b;
    enum porch_err err;

    err = odata_filter_compile(s, req_query(r, "$filter"), r->arena, &f, &e);
    if (err != PORCH_OK)
        return graph_error(r, rs, err,
                           err == PORCH_E_UNSUPPORTED ? GRAPH_E_UNSUPPORTED : GRAPH_E_BAD_REQUEST,
                           "%s", e.msg[0] ? e.msg : "Invalid filter clause");
    *advanced = f.advanced;
    if (req_query(r, "$search")) {
        if ((s->flags & ODATA_S_DIRECTORY) && !q->eventual)
            return unsupported(r, rs,
                               "Request with $search query parameter only works through "
                               "MSGraph with a special request header: "
                               "'ConsistencyLevel: eventual'");
        err = s->nsearch ? parse_search(r, rs, s, &sr)
                         : unsupported(r, rs,
                                       "Unsupported query: $search is not supported on "
                                       "this resource.");
        if (err != PORCH_OK)
            return err;
    }
    if (*f.where && *sr.where)
        q->sq.where = arena_printf(r->arena, "(%s) AND (%s)", f.where, sr.where);
    else
        q->sq.where = *f.where ? f.where : sr.where;
    b = arena_calloc(r->arena, f.nbinds + sr.nbinds + 1, sizeof(*b));
    if (f.nbinds)
        memcpy(b, f.binds, f.nbinds * sizeof(*b));
    if (sr.nbinds)
        memcpy(b + f.nbinds, sr.binds, sr.nbinds * sizeof(*b));
    q->sq.binds = b;
    q->sq.nbinds = f.nbinds + sr.nbinds;
    return PORCH_OK;
}

static enum porch_err check_expand(struct req *r, struct resp *rs, const struct odata_schema *s,
                                   struct odata_query *q)
{
    const char *v = req_query(r, "$expand");

    if (!v)
        return PORCH_OK;
    if (!(s->flags & ODATA_S_EXPAND))
        return unsupported(r, rs, "Unsupported query: $expand is not supported on this resource.");
    q->expand = v;
    return PORCH_OK;
}

enum porch_err odata_parse(struct req *r, struct resp *rs, const struct odata_schema *s,
                           unsigned flags, struct odata_query *q)
{
    enum porch_err err;
    unsigned advanced = 0;
    bool count_requested = false, order_adv = false;

    memset(q, 0, sizeof(*q));
    q->schema = s;
    q->tenant_id = r->auth ? r->auth->tenant_id : "";
    q->path = r->path;
    q->eventual = header_is(r, "ConsistencyLevel", "eventual");
    q->normalized = normalize(r);
    err = check_options(r, rs);
    if (err == PORCH_OK && !q->normalized)
        err = bad(r, rs, "The query string is too long.");
    if (err == PORCH_OK)
        err = check_expand(r, rs, s, q);
    if (err == PORCH_OK)
        err = parse_top(r, rs, s, q);
    if (err == PORCH_OK)
        err = parse_count_option(r, rs, s, flags, q, &count_requested);
    if (err == PORCH_OK)
        err = parse_select(r, rs, s, q);
    if (err == PORCH_OK)
        err = parse_where(r, rs, s, q, &advanced);
    if (err == PORCH_OK)
        err = parse_orderby(r, rs, s, q, &order_adv);
    if (err == PORCH_OK)
        err = parse_skiptoken(r, rs, q);
    if (err != PORCH_OK)
        return err;
    if (req_query(r, "$filter") && req_query(r, "$orderby"))
        order_adv = true;
    if ((s->flags & ODATA_S_DIRECTORY) && (advanced || order_adv) &&
        !(q->eventual && count_requested))
        return unsupported(r, rs,
                           "Unsupported query: this $filter or $orderby is an advanced "
                           "query; send 'ConsistencyLevel: eventual' and $count=true.");
    q->sq.limit = q->top + 1;
    return PORCH_OK;
}

enum porch_err odata_parse_entity(struct req *r, struct resp *rs, const struct odata_schema *s,
                                  struct odata_query *q)
{
    enum porch_err err;

    memset(q, 0, sizeof(*q));
    q->schema = s;
    q->path = r->path;
    err = check_options(r, rs);
    for (size_t i = 0; err == PORCH_OK && i < r->query.n; i++) {
        const char *name = r->query.items[i].name;
        if (name[0] == '$' && strcmp(name, "$select") != 0 && strcmp(name, "$expand") != 0)
            err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                              "Query option '%s' is not allowed on a single entity.", name);
    }
    if (err == PORCH_OK)
        err = check_expand(r, rs, s, q);
    if (err == PORCH_OK)
        err = parse_select(r, rs, s, q);
    return err;
}
