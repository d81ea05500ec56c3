/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OData compiler and query options: every operator and its SQL, precedence, lambdas,
 * limits, injection attempts (always a bound value), unsupported constructs named in the
 * error, the advanced-query rules, and the signed paging token's binding to tenant and query.
 * Compiled filters are also run against an in-memory SQLite table to prove the SQL is valid.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "graph/auth.h"
#include "http/server.h"
#include "../../../src/graph/odata_filter.c"
#include "../../../src/graph/odata.c"

static const struct odata_field id_fields[] = {
    {"issuer", "x.issuer", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"issuerAssignedId", "x.issuer_assigned_id", "x.issuer_assigned_id_lower", ODATA_T_STRING,
     ODATA_OPS_EQ, 0},
};

static const struct odata_lambda lambdas[] = {
    {"identities", "user_identities x", "x.user_id = users.id", id_fields, 2, true},
};

static const struct odata_field fields[] = {
    {"displayName", "display_name", "display_name_lower", ODATA_T_STRING,
     ODATA_OPS_STR | ODATA_OP_ENDSWITH, 0},
    {"mail", "mail", "mail_lower", ODATA_T_STRING, ODATA_OPS_STR | ODATA_OP_ENDSWITH, 0},
    {"accountEnabled", "account_enabled", NULL, ODATA_T_BOOL, ODATA_OPS_EQ, 0},
    {"createdDateTime", "created_at", NULL, ODATA_T_DATETIME, ODATA_OPS_ORD, 0},
    {"id", "id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"age", "age", NULL, ODATA_T_INT, ODATA_OPS_ORD, 0},
    {"secret", "secret", NULL, ODATA_T_STRING, ODATA_OPS_EQ, ODATA_F_ADVANCED},
};

static const char *const props[] = {"id", "displayName", "mail", "accountEnabled", NULL};
static const struct odata_order orders[] = {{"displayName", "display_name", false},
                                            {"createdDateTime", "created_at", true}};
static const struct odata_search search[] = {{"displayName", "display_name_lower"},
                                             {"mail", "mail_lower"}};

static const struct odata_schema users = {
    "user",
    "User",
    props,
    fields,
    sizeof(fields) / sizeof(fields[0]),
    lambdas,
    1,
    orders,
    2,
    search,
    2,
    "id",
    NULL,
    100,
    999,
    ODATA_S_DIRECTORY | ODATA_S_COUNT,
};

struct compiled {
    struct arena *a;
    struct odata_filter f;
    struct porch_error e;
    enum porch_err err;
};

static void compile(struct compiled *c, const char *text)
{
    memset(c, 0, sizeof(*c));
    c->a = arena_new();
    c->err = odata_filter_compile(&users, text, c->a, &c->f, &c->e);
}

static void expect_sql(const char *text, const char *sql, size_t nbinds)
{
    struct compiled c;

    compile(&c, text);
    if (c.err != PORCH_OK)
        fail_msg("'%s' failed: %s", text, c.e.msg);
    assert_string_equal(c.f.where, sql);
    assert_int_equal(c.f.nbinds, nbinds);
    arena_free(c.a);
}

static void expect_error(const char *text, enum porch_err err, const char *msg_part)
{
    struct compiled c;

    compile(&c, text);
    if (c.err != err)
        fail_msg("'%s': got %d (%s), want %d", text, c.err, c.e.msg, err);
    if (msg_part && !strstr(c.e.msg, msg_part))
        fail_msg("'%s': message '%s' lacks '%s'", text, c.e.msg, msg_part);
    arena_free(c.a);
}

static void every_operator(void **state)
{
    (void)state;
    expect_sql("displayName eq 'Bob'", "display_name_lower = ?", 1);
    expect_sql("displayName ne 'Bob'", "(display_name_lower IS NULL OR display_name_lower <> ?)",
               1);
    expect_sql("age gt 1", "age > ?", 1);
    expect_sql("age ge 1", "age >= ?", 1);
    expect_sql("age lt -1", "age < ?", 1);
    expect_sql("age le 1", "age <= ?", 1);
    expect_sql("mail in ('a@x', 'B@x')", "mail_lower IN (?, ?)", 2);
    expect_sql("startswith(displayName,'Bo')", "substr(display_name_lower, 1, ?) = ?", 2);
    expect_sql("startsWith(displayName, 'Bo')", "substr(display_name_lower, 1, ?) = ?", 2);
    expect_sql("endswith(mail,'@x.com')", "mail_lower LIKE ? ESCAPE '\\'", 1);
    expect_sql("accountEnabled eq true", "account_enabled = ?", 1);
    expect_sql("mail eq null", "mail_lower IS NULL", 0);
    expect_sql("mail ne null", "mail_lower IS NOT NULL", 0);
    expect_sql("age eq null", "age IS NULL", 0);
    expect_sql("createdDateTime ge 2024-01-02T03:04:05Z", "created_at >= ?", 1);
    expect_sql("id eq 'AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee'", "id = ?", 1);
    expect_sql("not (age eq 1)", "NOT (age = ?)", 1);
}

static void precedence_and_parentheses(void **state)
{
    (void)state;
    expect_sql("age eq 1 or age eq 2 and age eq 3", "(age = ? OR (age = ? AND age = ?))", 3);
    expect_sql("(age eq 1 or age eq 2) and age eq 3", "((age = ? OR age = ?) AND age = ?)", 3);
    expect_sql("age eq 1 and age eq 2 and age eq 3", "((age = ? AND age = ?) AND age = ?)", 3);
    expect_sql("not age eq 1 and age eq 2", "(NOT (age = ?) AND age = ?)", 2);
}

static void lambdas_and_count(void **state)
{
    struct compiled c;

    (void)state;
    expect_sql("identities/any(c:c/issuerAssignedId eq 'Bob@X.com' and c/issuer eq 'x.com')",
               "EXISTS (SELECT 1 FROM user_identities x WHERE x.user_id = users.id AND "
               "((x.issuer_assigned_id_lower = ? AND x.issuer = ?)))",
               2);
    expect_sql("identities/$count eq 0",
               "(SELECT COUNT(*) FROM user_identities x WHERE x.user_id = users.id) = ?", 1);
    compile(&c, "identities/any(c:c/issuerAssignedId eq 'Bob@X.com')");
    assert_string_equal(c.f.binds[0].text, "bob@x.com");
    arena_free(c.a);
    expect_error("identities/any(c:d/issuer eq 'x')", PORCH_E_UNSUPPORTED, "'c/");
    expect_error("identities/all(c:c/issuer eq 'x')", PORCH_E_UNSUPPORTED, "'all'");
    expect_error("identities/any(c:identities/any(d:d/issuer eq 'x'))", PORCH_E_UNSUPPORTED, NULL);
    expect_error("identities/any(c:c/displayName eq 'x')", PORCH_E_UNSUPPORTED, NULL);
    expect_error("mail/$count eq 0", PORCH_E_UNSUPPORTED, "cannot be counted");
}

static void literals_are_always_bound(void **state)
{
    struct compiled c;

    (void)state;
    compile(&c, "displayName eq 'x'' OR 1=1 --'");
    assert_int_equal(c.err, PORCH_OK);
    assert_string_equal(c.f.where, "display_name_lower = ?");
    assert_string_equal(c.f.binds[0].text, "x' or 1=1 --");
    arena_free(c.a);
    compile(&c, "startswith(displayName,'%_\\')");
    assert_int_equal(c.f.binds[0].i, 3);
    assert_string_equal(c.f.binds[1].text, "%_\\");
    arena_free(c.a);
    compile(&c, "endswith(mail,'%_\\')");
    assert_string_equal(c.f.binds[0].text, "%\\%\\_\\\\");
    arena_free(c.a);
    /* identifiers are looked up, never pasted */
    expect_error("display_name eq 'x'", PORCH_E_UNSUPPORTED, "'display_name'");
    expect_error("displayName eq 'x'; DROP TABLE users", PORCH_E_INVALID, NULL);
    expect_error("1 eq 1", PORCH_E_UNSUPPORTED, NULL);
    expect_error("displayName eq displayName", PORCH_E_INVALID, NULL);
}

static void unsupported_constructs_are_named(void **state)
{
    (void)state;
    expect_error("contains(displayName,'x')", PORCH_E_UNSUPPORTED, "'contains'");
    expect_error("displayName has 'x'", PORCH_E_UNSUPPORTED, "'has'");
    expect_error("nope eq 'x'", PORCH_E_UNSUPPORTED, "'nope'");
    expect_error("accountEnabled gt true", PORCH_E_UNSUPPORTED, "'gt'");
    expect_error("age in (1, null)", PORCH_E_UNSUPPORTED, "null");
    expect_error("age gt null", PORCH_E_UNSUPPORTED, "null");
    expect_error("endswith(id,'x')", PORCH_E_UNSUPPORTED, "'endswith'");
    expect_error("accountEnabled eq 'yes'", PORCH_E_INVALID, "'accountEnabled'");
    expect_error("age eq 'x'", PORCH_E_INVALID, "'age'");
    expect_error("createdDateTime ge 2024-13-99", PORCH_E_INVALID, NULL);
    expect_error("id eq 'not-a-guid'", PORCH_E_INVALID, NULL);
}

static void syntax_errors(void **state)
{
    (void)state;
    expect_error("displayName eq 'x", PORCH_E_INVALID, "unterminated");
    expect_error("displayName eq 'x' and", PORCH_E_INVALID, NULL);
    expect_error("(displayName eq 'x'", PORCH_E_INVALID, NULL);
    expect_error("displayName eq 'x')", PORCH_E_INVALID, NULL);
    expect_error("startswith(displayName 'x')", PORCH_E_INVALID, NULL);
    expect_error("displayName eq \"x\"", PORCH_E_INVALID, NULL);
    expect_error("mail in 'x'", PORCH_E_INVALID, NULL);
    expect_error("", PORCH_OK, NULL);
}

static void limits(void **state)
{
    char buf[ODATA_FILTER_MAX_LEN + 64];
    size_t n = 0;

    (void)state;
    memset(buf, ' ', sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = '\0';
    expect_error(buf, PORCH_E_INVALID, "too long");
    for (int i = 0; i < 40; i++)
        buf[n++] = '(';
    n += (size_t)snprintf(buf + n, 32, "age eq 1");
    for (int i = 0; i < 40; i++)
        buf[n++] = ')';
    buf[n] = '\0';
    expect_error(buf, PORCH_E_INVALID, "nested");
    n = 0;
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(buf + n, 32, "%sage eq %d", i ? " or " : "", i);
    expect_error(buf, PORCH_E_INVALID, "too many");
    n = (size_t)snprintf(buf, 32, "age in (");
    for (int i = 0; i < ODATA_FILTER_MAX_IN + 1; i++)
        n += (size_t)snprintf(buf + n, 32, "%s%d", i ? "," : "", i);
    snprintf(buf + n, 8, ")");
    expect_error(buf, PORCH_E_INVALID, "too many values");
    n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(buf + n, 8, "not ");
    snprintf(buf + n, 16, "age eq 1");
    expect_error(buf, PORCH_E_INVALID, "nested");
}

static void advanced_bits(void **state)
{
    struct compiled c;

    (void)state;
    compile(&c, "displayName ne 'x' or not (age eq 1) or endswith(mail,'x') or secret eq 'x' "
                "or identities/$count eq 0");
    assert_int_equal(c.err, PORCH_OK);
    assert_int_equal(c.f.advanced, ODATA_ADV_NE | ODATA_ADV_NOT | ODATA_ADV_ENDSWITH |
                                       ODATA_ADV_FIELD | ODATA_ADV_COUNT);
    arena_free(c.a);
}

/* Runs a compiled filter against a small table and returns the matching row count. */
static long run(struct db_conn *c, const char *filter)
{
    struct compiled k;
    struct db_stmt *st = NULL;
    char sql[2048];
    bool row = false;
    long n = 0;

    compile(&k, filter);
    assert_int_equal(k.err, PORCH_OK);
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM users WHERE %s", k.f.where);
    assert_int_equal(db_prepare(c, sql, &st), PORCH_OK);
    for (size_t i = 0; i < k.f.nbinds; i++) {
        if (k.f.binds[i].is_int)
            db_bind_int64(st, (int)i + 1, k.f.binds[i].i);
        else
            db_bind_text(st, (int)i + 1, k.f.binds[i].text);
    }
    assert_int_equal(db_step(st, &row), PORCH_OK);
    n = (long)db_col_int64(st, 0);
    db_finalize(st);
    arena_free(k.a);
    return n;
}

static void compiled_sql_runs(void **state)
{
    struct db *db = NULL;
    struct db_conn *c = NULL;

    (void)state;
    assert_int_equal(db_open("sqlite::memory:", 1, &db, NULL), PORCH_OK);
    assert_int_equal(db_acquire(db, &c), PORCH_OK);
    static const char *const setup[] = {
        "CREATE TABLE users (id TEXT, display_name TEXT, display_name_lower TEXT, mail TEXT, "
        "mail_lower TEXT, account_enabled INTEGER, created_at INTEGER, age INTEGER, secret TEXT)",
        "CREATE TABLE user_identities (user_id TEXT, issuer TEXT, issuer_assigned_id TEXT, "
        "issuer_assigned_id_lower TEXT)",
        "INSERT INTO users VALUES ('1', 'Bob Smith', 'bob smith', 'Bob@X.com', 'bob@x.com', 1, "
        "100, 30, NULL)",
        "INSERT INTO users VALUES ('2', 'Alice', 'alice', NULL, NULL, 0, 200, 40, NULL)",
        "INSERT INTO users VALUES ('3', 'x'' OR 1=1 --', 'x'' or 1=1 --', NULL, NULL, 1, 300, "
        "50, NULL)",
        "INSERT INTO user_identities VALUES ('1', 'x.com', 'Bob@X.com', 'bob@x.com')",
    };
    for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
        assert_int_equal(db_exec(c, setup[i]), PORCH_OK);
    assert_int_equal(run(c, "displayName eq 'BOB SMITH'"), 1);
    assert_int_equal(run(c, "displayName eq 'x'' OR 1=1 --'"), 1);
    assert_int_equal(run(c, "displayName ne 'alice'"), 2);
    assert_int_equal(run(c, "startswith(displayName,'B')"), 1);
    assert_int_equal(run(c, "endswith(mail,'X.COM')"), 1);
    assert_int_equal(run(c, "mail eq null"), 2);
    assert_int_equal(run(c, "accountEnabled eq true and age in (30, 50)"), 2);
    assert_int_equal(run(c, "createdDateTime ge 1970-01-01T00:03:20Z"), 2);
    assert_int_equal(run(c, "identities/any(i:i/issuerAssignedId eq 'BOB@x.com')"), 1);
    assert_int_equal(run(c, "identities/$count eq 0"), 2);
    assert_int_equal(run(c, "not (age le 30) or id eq 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'"), 2);
    db_release(c);
    db_free(db);
}

/* --- query options ------------------------------------------------------------------------- */

static struct config cfg = {.public_url = (char *)(uintptr_t) "https://id.example.com"};

struct fake {
    struct arena *a;
    struct porch_srv srv;
    struct graph_auth auth;
    struct req r;
    struct resp rs;
    struct kv q[12];
    struct kv h[2];
};

static struct secretbox *sb;

static void fake_init(struct fake *f, const char *tenant, const char *path, const char *const *kv,
                      bool eventual)
{
    size_t n = 0;

    memset(f, 0, sizeof(*f));
    f->a = arena_new();
    f->srv.cfg = &cfg;
    f->srv.sb = sb;
    f->auth.tenant_id = tenant;
    f->r.arena = f->a;
    f->r.srv = &f->srv;
    f->r.auth = &f->auth;
    f->r.path = path;
    f->r.method = "GET";
    for (; kv && kv[2 * n]; n++)
        f->q[n] = (struct kv){kv[2 * n], kv[2 * n + 1]};
    f->r.query = (struct kvlist){f->q, n};
    f->h[0] = (struct kv){"ConsistencyLevel", "eventual"};
    f->r.headers = (struct kvlist){f->h, eventual ? 1 : 0};
    resp_init(&f->rs, f->a, 1 << 16);
}

static enum porch_err parse(struct fake *f, const struct odata_schema *s, unsigned flags,
                            struct odata_query *q)
{
    return odata_parse(&f->r, &f->rs, s, flags, q);
}

#define T1 "11111111-1111-1111-1111-111111111111"
#define T2 "22222222-2222-2222-2222-222222222222"

static void expect_400(const char *const *kv, bool eventual, unsigned flags, const char *code,
                       const char *msg)
{
    struct fake f;
    struct odata_query q;

    fake_init(&f, T1, "/v1.0/users", kv, eventual);
    assert_int_not_equal(parse(&f, &users, flags, &q), PORCH_OK);
    assert_int_equal(f.rs.status, 400);
    if (!strstr(f.rs.body.buf, code) || (msg && !strstr(f.rs.body.buf, msg)))
        fail_msg("body %s lacks %s / %s", f.rs.body.buf, code, msg ? msg : "");
    arena_free(f.a);
}

static void options_are_checked(void **state)
{
    (void)state;
    expect_400((const char *[]){"$top", "1000", NULL}, false, 0, "Request_BadRequest",
               "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
    expect_400((const char *[]){"$top", "0", NULL}, false, 0, "Request_BadRequest", NULL);
    expect_400((const char *[]){"$top", "-1", NULL}, false, 0, "Request_BadRequest", NULL);
    expect_400((const char *[]){"$skip", "1", NULL}, false, 0, "Request_BadRequest", "$skip");
    expect_400((const char *[]){"$expand", "manager", NULL}, false, 0, "Request_UnsupportedQuery",
               "$expand");
    expect_400((const char *[]){"$bogus", "1", NULL}, false, 0, "Request_BadRequest", "$bogus");
    expect_400((const char *[]){"$top", "1", "$top", "2", NULL}, false, 0, "Request_BadRequest",
               "more than once");
    expect_400((const char *[]){"$select", "displayName,nope", NULL}, false, 0,
               "Request_BadRequest", "'nope'");
    expect_400((const char *[]){"$count", "maybe", NULL}, false, 0, "Request_BadRequest", NULL);
    expect_400((const char *[]){"$orderby", "mail", NULL}, false, 0, "Request_UnsupportedQuery",
               "'mail'");
    expect_400((const char *[]){"$filter", "contains(mail,'x')", NULL}, false, 0,
               "Request_UnsupportedQuery", "'contains'");
    expect_400((const char *[]){"$filter", "mail eq 'x", NULL}, false, 0, "Request_BadRequest",
               "Invalid filter clause");
}

static void advanced_query_rules(void **state)
{
    struct fake f;
    struct odata_query q;

    (void)state;
    /* $count=true without the header is ignored; with it, honoured */
    fake_init(&f, T1, "/v1.0/users", (const char *[]){"$count", "true", NULL}, false);
    assert_int_equal(parse(&f, &users, 0, &q), PORCH_OK);
    assert_false(q.count);
    arena_free(f.a);
    fake_init(&f, T1, "/v1.0/users", (const char *[]){"$count", "true", NULL}, true);
    assert_int_equal(parse(&f, &users, 0, &q), PORCH_OK);
    assert_true(q.count);
    arena_free(f.a);
    expect_400(NULL, false, ODATA_COUNT_SEGMENT, "Request_BadRequest",
               "$count is not currently supported.");
    expect_400((const char *[]){"$search", "\"displayName:bo\"", NULL}, false, 0,
               "Request_UnsupportedQuery", "ConsistencyLevel");
    expect_400((const char *[]){"$filter", "mail ne 'x'", NULL}, false, 0,
               "Request_UnsupportedQuery", "advanced");
    expect_400((const char *[]){"$filter", "mail ne 'x'", NULL}, true, 0,
               "Request_UnsupportedQuery", "advanced");
    expect_400((const char *[]){"$filter", "age eq 1", "$orderby", "displayName", NULL}, false, 0,
               "Request_UnsupportedQuery", "advanced");
    expect_400((const char *[]){"$orderby", "createdDateTime desc", NULL}, false, 0,
               "Request_UnsupportedQuery", "advanced");
    fake_init(&f, T1, "/v1.0/users",
              (const char *[]){"$filter", "mail ne 'x'", "$count", "true", "$orderby",
                               "createdDateTime desc", "$search",
                               "\"displayName:bo\" AND \"mail:x\"", "$select", "MAIL, id", "$top",
                               "5", NULL},
              true);
    assert_int_equal(parse(&f, &users, 0, &q), PORCH_OK);
    assert_true(q.count);
    assert_int_equal(q.top, 5);
    assert_int_equal(q.sq.limit, 6);
    assert_string_equal(q.select_list, "mail,id");
    assert_string_equal(q.sq.order_by, "created_at DESC, id DESC");
    assert_string_equal(q.sq.where, "((mail_lower IS NULL OR mail_lower <> ?)) AND "
                                    "((display_name_lower LIKE ? ESCAPE '\\' OR "
                                    "display_name_lower LIKE ? ESCAPE '\\') AND (mail_lower "
                                    "LIKE ? ESCAPE '\\' OR mail_lower LIKE ? ESCAPE '\\'))");
    assert_int_equal(q.sq.nbinds, 5);
    assert_string_equal(q.sq.binds[1].text, "bo%");
    assert_string_equal(q.sq.binds[2].text, "% bo%");
    assert_true(odata_selected(&q, "mail"));
    assert_false(odata_selected(&q, "displayName"));
    arena_free(f.a);
}

/* The $skiptoken value of a nextLink. */
static const char *token_of(const char *link)
{
    const char *t = strstr(link, "$skiptoken=");

    assert_non_null(t);
    return t + strlen("$skiptoken=");
}

static void skiptoken_binding(void **state)
{
    struct fake f;
    struct odata_query q;
    const char *link, *tok;
    char tampered[128];

    (void)state;
    fake_init(&f, T1, "/v1.0/users", (const char *[]){"$top", "2", "$filter", "age gt 1", NULL},
              false);
    assert_int_equal(parse(&f, &users, 0, &q), PORCH_OK);
    link = odata_next_link(&f.r, &q);
    assert_non_null(link);
    {
        static const char want[] =
            "https://id.example.com/v1.0/users?$top=2&$filter=age%20gt%201&$skiptoken=";
        if (strncmp(link, want, sizeof(want) - 1) != 0)
            fail_msg("next link %s", link);
    }
    tok = arena_strdup(f.a, token_of(link));
    /* the same query with the token: page 2 */
    {
        struct fake g;
        struct odata_query q2;
        fake_init(&g, T1, "/v1.0/users",
                  (const char *[]){"$top", "2", "$filter", "age gt 1", "$skiptoken", tok, NULL},
                  false);
        assert_int_equal(parse(&g, &users, 0, &q2), PORCH_OK);
        assert_int_equal(q2.sq.offset, 2);
        link = odata_next_link(&g.r, &q2);
        assert_non_null(strstr(link, "$skiptoken="));
        assert_string_not_equal(token_of(link), tok);
        arena_free(g.a);
    }
    /* another tenant, another query, another path, a flipped bit: all refused */
    {
        const char *const *cases[] = {
            (const char *[]){"$top", "2", "$filter", "age gt 2", "$skiptoken", tok, NULL},
            (const char *[]){"$top", "3", "$filter", "age gt 1", "$skiptoken", tok, NULL},
            (const char *[]){"$filter", "age gt 1", "$top", "2", "$skiptoken", tok, NULL},
        };
        for (size_t i = 0; i < 3; i++)
            expect_400(cases[i], false, 0, "Request_BadRequest", "$skiptoken");
        struct fake g;
        struct odata_query q2;
        fake_init(&g, T2, "/v1.0/users",
                  (const char *[]){"$top", "2", "$filter", "age gt 1", "$skiptoken", tok, NULL},
                  false);
        assert_int_not_equal(parse(&g, &users, 0, &q2), PORCH_OK);
        arena_free(g.a);
        fake_init(&g, T1, "/beta/users",
                  (const char *[]){"$top", "2", "$filter", "age gt 1", "$skiptoken", tok, NULL},
                  false);
        assert_int_not_equal(parse(&g, &users, 0, &q2), PORCH_OK);
        arena_free(g.a);
        snprintf(tampered, sizeof(tampered), "%s", tok);
        tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
        expect_400(
            (const char *[]){"$top", "2", "$filter", "age gt 1", "$skiptoken", tampered, NULL},
            false, 0, "Request_BadRequest", "$skiptoken");
        expect_400((const char *[]){"$skiptoken", "garbage", NULL}, false, 0, "Request_BadRequest",
                   "$skiptoken");
    }
    arena_free(f.a);
}

static void entity_options(void **state)
{
    struct fake f;
    struct odata_query q;

    (void)state;
    fake_init(&f, T1, "/v1.0/users/x", (const char *[]){"$select", "id", NULL}, false);
    assert_int_equal(odata_parse_entity(&f.r, &f.rs, &users, &q), PORCH_OK);
    assert_string_equal(q.select_list, "id");
    arena_free(f.a);
    fake_init(&f, T1, "/v1.0/users/x", (const char *[]){"$filter", "age eq 1", NULL}, false);
    assert_int_not_equal(odata_parse_entity(&f.r, &f.rs, &users, &q), PORCH_OK);
    assert_int_equal(f.rs.status, 400);
    arena_free(f.a);
}

int main(void)
{
    static const unsigned char key[32] = {9};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_operator),
        cmocka_unit_test(precedence_and_parentheses),
        cmocka_unit_test(lambdas_and_count),
        cmocka_unit_test(literals_are_always_bound),
        cmocka_unit_test(unsupported_constructs_are_named),
        cmocka_unit_test(syntax_errors),
        cmocka_unit_test(limits),
        cmocka_unit_test(advanced_bits),
        cmocka_unit_test(compiled_sql_runs),
        cmocka_unit_test(options_are_checked),
        cmocka_unit_test(advanced_query_rules),
        cmocka_unit_test(skiptoken_binding),
        cmocka_unit_test(entity_options),
    };
    int rc;

    if (secretbox_from_key(key, &sb) != PORCH_OK)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    secretbox_free(sb);
    return rc;
}
