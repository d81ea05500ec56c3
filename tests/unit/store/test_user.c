/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the user repository on every backend: identities and their unique index (also under
 * concurrent inserts), atomic identity replacement, cascades, list order and paging, lambda
 * filters and $search fragments.
 */
#include "unit.h"

#include <pthread.h>

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../db/tenant_fixture.h"
#include "../../../src/store/user.c"

#define TID1 "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define TID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

static struct db_conn *setup_tenants(void **state)
{
    struct db_conn *c = fx_conn(state);

    fx_add_tenant(c, TID1, "contoso");
    fx_add_tenant(c, TID2, "fabrikam");
    return c;
}

/* A heap-owned row with up to two identities ("type|issuer|value" or NULL). */
static void make(struct user_row *u, const char *tid, const char *name, const char *id1,
                 const char *id2)
{
    const char *specs[2] = {id1, id2};
    char upn[128];

    memset(u, 0, sizeof(*u));
    snprintf(u->tenant_id, sizeof(u->tenant_id), "%s", tid);
    uuid_v4(u->id);
    u->display_name = xstrdup(name);
    snprintf(upn, sizeof(upn), "%s@contoso.porch.test", u->id);
    u->user_principal_name = xstrdup(upn);
    u->account_enabled = true;
    u->user_type = xstrdup("Member");
    u->creation_type = xstrdup("LocalAccount");
    u->created_at = 1000;
    u->data = xstrdup("{\"city\":\"Oslo\"}");
    u->identities = xcalloc(2, sizeof(*u->identities));
    for (size_t i = 0; i < 2 && specs[i]; i++) {
        char buf[256], *a, *b;
        snprintf(buf, sizeof(buf), "%s", specs[i]);
        a = strchr(buf, '|');
        *a++ = '\0';
        b = strchr(a, '|');
        *b++ = '\0';
        u->identities[i].sign_in_type = xstrdup(buf);
        u->identities[i].issuer = xstrdup(a);
        u->identities[i].issuer_assigned_id = xstrdup(b);
        u->nidentities++;
    }
}

static void insert_get_find(void **state)
{
    struct db_conn *c = setup_tenants(state);
    struct user_row u, got;
    char upper[UUID_STR_LEN];

    make(&u, TID1, "Dylan", "emailAddress|contoso.porch.test|Dylan@Woodgrove.com",
         "federated|https://Accounts.Google.com|Sub-ABC");
    u.mail = xstrdup("Dylan@Woodgrove.com");
    u.password_hash = xstrdup("$argon2id$v=19$m=19456,t=2,p=1$x$y");
    u.password_changed_at = 1000;
    assert_int_equal(store_user_insert(c, &u, NULL), PORCH_OK);

    for (size_t i = 0; i < UUID_STR_LEN; i++)
        upper[i] = (char)((u.id[i] >= 'a' && u.id[i] <= 'f') ? u.id[i] - 32 : u.id[i]);
    assert_int_equal(store_user_get(c, TID1, upper, &got), PORCH_OK);
    assert_string_equal(got.id, u.id);
    assert_string_equal(got.display_name, "Dylan");
    assert_string_equal(got.mail, "Dylan@Woodgrove.com");
    assert_null(got.given_name);
    assert_true(got.account_enabled);
    assert_string_equal(got.data, "{\"city\":\"Oslo\"}");
    assert_string_equal(got.password_hash, u.password_hash);
    assert_int_equal(got.sessions_valid_from, 1000);
    assert_int_equal(got.nidentities, 2);
    assert_string_equal(got.identities[0].issuer_assigned_id, "Dylan@Woodgrove.com");
    assert_string_equal(got.identities[1].issuer, "https://Accounts.Google.com");
    store_user_row_release(&got);

    /* Other tenants do not see it. */
    assert_int_equal(store_user_get(c, TID2, u.id, &got), PORCH_E_NOT_FOUND);
    assert_int_equal(
        store_user_find_by_identity(c, TID2, "emailAddress", "x", "dylan@woodgrove.com", &got),
        PORCH_E_NOT_FOUND);

    /* Local: case-insensitive, issuer ignored, emails and usernames share a namespace. */
    assert_int_equal(
        store_user_find_by_identity(c, TID1, "emailAddress", NULL, "DYLAN@woodgrove.COM", &got),
        PORCH_OK);
    assert_string_equal(got.id, u.id);
    store_user_row_release(&got);
    assert_int_equal(
        store_user_find_by_identity(c, TID1, "userName", "whatever", "dylan@woodgrove.com", &got),
        PORCH_OK);
    store_user_row_release(&got);
    /* Federated: issuer case-insensitive, subject exact. */
    assert_int_equal(store_user_find_by_identity(c, TID1, "federated",
                                                 "https://accounts.google.com", "Sub-ABC", &got),
                     PORCH_OK);
    store_user_row_release(&got);
    assert_int_equal(store_user_find_by_identity(c, TID1, "federated",
                                                 "https://accounts.google.com", "sub-abc", &got),
                     PORCH_E_NOT_FOUND);
    store_user_row_release(&u);
    fx_release(c);
}

static void identities_are_unique_per_tenant(void **state)
{
    struct db_conn *c = setup_tenants(state);
    struct user_row a, b, got;
    struct porch_error e = {0};

    make(&a, TID1, "A", "emailAddress|contoso.porch.test|same@example.com", NULL);
    assert_int_equal(store_user_insert(c, &a, NULL), PORCH_OK);
    /* Another case, another emailAddress variant: still the same local account. */
    make(&b, TID1, "B", "userName|contoso.porch.test|bob",
         "emailAddress2|contoso.porch.test|SAME@example.com");
    assert_int_equal(store_user_insert(c, &b, &e), PORCH_E_CONFLICT);
    assert_string_equal(e.msg, MSG_IDENTITY_TAKEN);
    assert_null(strstr(e.msg, "same@"));
    /* Nothing of b was written, so its username is still free. */
    assert_int_equal(store_user_get(c, TID1, b.id, &got), PORCH_E_NOT_FOUND);
    assert_int_equal(store_user_find_by_identity(c, TID1, "userName", NULL, "bob", &got),
                     PORCH_E_NOT_FOUND);
    store_user_row_release(&b);

    /* The same email in another tenant is fine; so is a federated subject equal to it. */
    make(&b, TID2, "B", "emailAddress|fabrikam.porch.test|same@example.com",
         "federated|contoso.porch.test|same@example.com");
    assert_int_equal(store_user_insert(c, &b, NULL), PORCH_OK);
    store_user_row_release(&b);

    /* The UPN is unique, case-insensitively. */
    make(&b, TID1, "C", NULL, NULL);
    free(b.user_principal_name);
    b.user_principal_name = xstrdup(a.user_principal_name);
    for (char *p = b.user_principal_name; *p; p++)
        *p = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
    assert_int_equal(store_user_insert(c, &b, &e), PORCH_E_CONFLICT);
    assert_string_equal(e.msg, MSG_UPN_TAKEN);
    store_user_row_release(&a);
    store_user_row_release(&b);
    fx_release(c);
}

struct racer {
    struct db *db;
    const char *email;
    pthread_barrier_t *go;
    enum porch_err result;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct db_conn *c = NULL;
    struct user_row u;
    char spec[128];

    snprintf(spec, sizeof(spec), "emailAddress|contoso.porch.test|%s", r->email);
    make(&u, TID1, "Racer", spec, NULL);
    r->result = db_acquire(r->db, &c);
    pthread_barrier_wait(r->go);
    if (r->result == PORCH_OK)
        r->result = store_user_insert(c, &u, NULL);
    if (c)
        db_release(c);
    store_user_row_release(&u);
    return NULL;
}

static void concurrent_inserts_one_wins(void **state)
{
    struct db_conn *c = setup_tenants(state);
    pthread_barrier_t go;
    pthread_t th[2];
    struct racer r[2] = {{*state, "Race@Example.com", &go, PORCH_E_INTERNAL},
                         {*state, "race@EXAMPLE.com", &go, PORCH_E_INTERNAL}};
    int64_t n = 0;

    fx_release(c);
    for (int round = 0; round < 5; round++) {
        char e1[64], e2[64];
        snprintf(e1, sizeof(e1), "Race%d@Example.com", round);
        snprintf(e2, sizeof(e2), "race%d@EXAMPLE.com", round);
        r[0].email = e1;
        r[1].email = e2;
        pthread_barrier_init(&go, NULL, 2);
        for (int i = 0; i < 2; i++)
            assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
        for (int i = 0; i < 2; i++)
            pthread_join(th[i], NULL);
        pthread_barrier_destroy(&go);
        assert_true((r[0].result == PORCH_OK && r[1].result == PORCH_E_CONFLICT) ||
                    (r[1].result == PORCH_OK && r[0].result == PORCH_E_CONFLICT));
    }
    c = fx_conn(state);
    assert_int_equal(store_user_count(c, TID1, NULL, &n), PORCH_OK);
    assert_int_equal(n, 5);
    fx_release(c);
}

static void replace_identities_atomically(void **state)
{
    struct db_conn *c = setup_tenants(state);
    struct user_row a, b, got;
    struct porch_error e = {0};

    make(&a, TID1, "A", "emailAddress|contoso.porch.test|a@example.com",
         "userName|contoso.porch.test|alice");
    make(&b, TID1, "B", "emailAddress|contoso.porch.test|b@example.com", NULL);
    assert_int_equal(store_user_insert(c, &a, NULL), PORCH_OK);
    assert_int_equal(store_user_insert(c, &b, NULL), PORCH_OK);

    /* b tries to take a's username along with a new email: nothing changes for b. */
    store_user_row_release(&b);
    make(&got, TID1, "x", "emailAddress|contoso.porch.test|new@example.com",
         "userName|contoso.porch.test|ALICE");
    assert_int_equal(store_user_replace_identities(c, TID1, a.id, got.identities, 0, NULL),
                     PORCH_OK);                                   /* a: cleared */
    assert_int_equal(store_user_insert(c, &got, NULL), PORCH_OK); /* alice is free now */
    store_user_row_release(&got);

    make(&b, TID1, "B2", "emailAddress|contoso.porch.test|b2@example.com",
         "userName|contoso.porch.test|alice");
    assert_int_equal(store_user_replace_identities(c, TID1, a.id, b.identities, 2, &e),
                     PORCH_E_CONFLICT);
    assert_string_equal(e.msg, MSG_IDENTITY_TAKEN);
    assert_int_equal(store_user_get(c, TID1, a.id, &got), PORCH_OK);
    assert_int_equal(got.nidentities, 0);
    store_user_row_release(&got);

    /* A successful replacement swaps the whole collection, keeping order. */
    free(b.identities[1].issuer_assigned_id);
    b.identities[1].issuer_assigned_id = xstrdup("alice2");
    assert_int_equal(store_user_replace_identities(c, TID1, a.id, b.identities, 2, NULL), PORCH_OK);
    assert_int_equal(store_user_get(c, TID1, a.id, &got), PORCH_OK);
    assert_int_equal(got.nidentities, 2);
    assert_string_equal(got.identities[0].issuer_assigned_id, "b2@example.com");
    assert_string_equal(got.identities[1].issuer_assigned_id, "alice2");
    store_user_row_release(&got);
    assert_int_equal(store_user_replace_identities(c, TID2, a.id, b.identities, 2, NULL),
                     PORCH_E_NOT_FOUND);
    store_user_row_release(&a);
    store_user_row_release(&b);
    fx_release(c);
}

static void update_setters_delete(void **state)
{
    struct db_conn *c = setup_tenants(state);
    struct user_row a, got;

    make(&a, TID1, "Alice", "emailAddress|contoso.porch.test|a@example.com", NULL);
    assert_int_equal(store_user_insert(c, &a, NULL), PORCH_OK);
    free(a.display_name);
    a.display_name = xstrdup("Alice Smith");
    a.surname = xstrdup("Smith");
    free(a.data);
    a.data = xstrdup("{\"extension_0123456789abcdef0123456789abcdef_Tier\":\"gold\"}");
    assert_int_equal(store_user_update(c, &a, NULL), PORCH_OK);
    assert_int_equal(store_user_set_password(c, TID1, a.id, "$argon2id$new", 2000), PORCH_OK);
    assert_int_equal(store_user_set_enabled(c, TID1, a.id, false), PORCH_OK);
    assert_int_equal(store_user_revoke_sessions(c, TID1, a.id, 3000), PORCH_OK);
    assert_int_equal(store_user_get(c, TID1, a.id, &got), PORCH_OK);
    assert_string_equal(got.display_name, "Alice Smith");
    assert_string_equal(got.surname, "Smith");
    assert_string_equal(got.data, a.data);
    assert_string_equal(got.password_hash, "$argon2id$new");
    assert_int_equal(got.password_changed_at, 2000);
    assert_false(got.account_enabled);
    assert_int_equal(got.sessions_valid_from, 3000);
    assert_int_equal(got.nidentities, 1); /* update leaves identities alone */
    store_user_row_release(&got);

    /* Wrong tenant: nothing changes. */
    assert_int_equal(store_user_set_enabled(c, TID2, a.id, true), PORCH_E_NOT_FOUND);
    assert_int_equal(store_user_revoke_sessions(c, TID2, a.id, 1), PORCH_E_NOT_FOUND);
    memcpy(a.tenant_id, TID2, sizeof(a.tenant_id));
    assert_int_equal(store_user_update(c, &a, NULL), PORCH_E_NOT_FOUND);
    memcpy(a.tenant_id, TID1, sizeof(a.tenant_id));

    /* Delete cascades to identities: the email is free again. */
    assert_int_equal(store_user_delete(c, TID2, a.id), PORCH_E_NOT_FOUND);
    assert_int_equal(store_user_delete(c, TID1, a.id), PORCH_OK);
    assert_int_equal(store_user_delete(c, TID1, a.id), PORCH_E_NOT_FOUND);
    assert_int_equal(
        store_user_find_by_identity(c, TID1, "emailAddress", NULL, "a@example.com", &got),
        PORCH_E_NOT_FOUND);
    {
        struct db_stmt *st = NULL;
        bool row = false;
        assert_int_equal(db_prepare(c, "SELECT COUNT(*) FROM user_identities", &st), PORCH_OK);
        assert_int_equal(db_step(st, &row), PORCH_OK);
        assert_int_equal(db_col_int64(st, 0), 0);
        db_finalize(st);
    }
    uuid_v4(a.id);
    assert_int_equal(store_user_insert(c, &a, NULL), PORCH_OK);
    store_user_row_release(&a);
    fx_release(c);
}

#define NUSERS 300

/* NUSERS users in TID1 named "User 000".."User 299" in a shuffled order, created at 10000-i. */
static void add_many(struct db_conn *c)
{
    struct user_row u;
    char name[32], email[64], spec[128];

    assert_int_equal(db_begin(c, true), PORCH_OK);
    for (int i = 0; i < NUSERS; i++) {
        int k = (i * 7) % NUSERS; /* 7 is coprime with 300: a permutation */
        snprintf(name, sizeof(name), "%s %03d", k % 2 ? "user" : "User", k);
        snprintf(email, sizeof(email), "u%03d@%s.example.com", k, k % 3 ? "shop" : "mail_x");
        snprintf(spec, sizeof(spec), "emailAddress|contoso.porch.test|%s", email);
        make(&u, TID1, name, spec, k % 10 == 0 ? "federated|Google.com|g-sub" : NULL);
        if (k % 10 == 0) {
            free(u.identities[1].issuer_assigned_id);
            u.identities[1].issuer_assigned_id = xstrdup(email);
        }
        u.mail = xstrdup(email);
        u.created_at = 10000 - k;
        assert_int_equal(store_user_insert_in_tx(c, &u, NULL), PORCH_OK);
        store_user_row_release(&u);
    }
    assert_int_equal(db_commit(c), PORCH_OK);
}

static void list_pages_in_order(void **state)
{
    struct db_conn *c = setup_tenants(state);
    struct store_query q = {.limit = 100};
    struct user_row *rows = NULL;
    size_t n = 0, seen = 0;
    char prev[64] = "";
    int64_t count = 0;

    add_many(c);
    for (q.offset = 0; q.offset < NUSERS + 100; q.offset += 100) {
        assert_int_equal(store_user_list(c, TID1, &q, &rows, &n), PORCH_OK);
        for (size_t i = 0; i < n; i++, seen++) {
            char want[32];
            snprintf(want, sizeof(want), "%03zu", seen);
            assert_non_null(strstr(rows[i].display_name, want));
            assert_true(strcasecmp(prev, rows[i].display_name) < 0);
            snprintf(prev, sizeof(prev), "%s", rows[i].display_name);
            assert_null(rows[i].password_hash);
            assert_int_equal(rows[i].nidentities, seen % 10 == 0 ? 2 : 1);
        }
        store_user_rows_free(rows, n);
    }
    assert_int_equal(seen, NUSERS);

    q.order_by = "created_at DESC, id DESC";
    q.offset = 0;
    q.limit = 3;
    assert_int_equal(store_user_list(c, TID1, &q, &rows, &n), PORCH_OK);
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].created_at, 10000);
    assert_int_equal(rows[2].created_at, 9998);
    store_user_rows_free(rows, n);

    assert_int_equal(store_user_count(c, TID1, NULL, &count), PORCH_OK);
    assert_int_equal(count, NUSERS);
    assert_int_equal(store_user_count(c, TID2, NULL, &count), PORCH_OK);
    assert_int_equal(count, 0);
    q.limit = STORE_USER_LIST_MAX + 1;
    assert_int_equal(store_user_list(c, TID1, &q, &rows, &n), PORCH_E_TOO_BIG);
    fx_release(c);
}

static void filters_lambdas_and_search(void **state)
{
    struct db_conn *c = setup_tenants(state);
    struct user_row *rows = NULL;
    size_t n = 0;
    int64_t count = 0;
    char *pat;

    add_many(c);
    {
        /* identities/any(c:c/issuerAssignedId eq 'U010@SHOP…' and c/issuer eq 'google.com') */
        char *v = store_user_lower("U010@MAIL_X.example.com"),
             *iss = store_user_lower("Google.COM");
        struct store_bind b[] = {{.text = v}, {.text = iss}};
        struct store_query q = {
            .where = STORE_USER_IDENTITY_EXISTS_OPEN
            "ui.id_lower = ? AND ui.issuer_lower = ?" STORE_USER_IDENTITY_EXISTS_CLOSE,
            .binds = b,
            .nbinds = 2,
            .limit = 10};
        assert_int_equal(store_user_list(c, TID1, &q, &rows, &n), PORCH_OK);
        assert_int_equal(n, 0); /* u010 is @shop, so no match */
        store_user_rows_free(rows, n);
        free(v);
        v = store_user_lower("u020@shop.example.com");
        b[0].text = v;
        assert_int_equal(store_user_list(c, TID1, &q, &rows, &n), PORCH_OK);
        assert_int_equal(n, 1);
        assert_non_null(strstr(rows[0].display_name, "020"));
        store_user_rows_free(rows, n);
        free(v);
        free(iss);
    }
    {
        /* Local lookups through the lambda: issuer is the default domain. */
        struct store_bind b[] = {{.text = "u007@shop.example.com"}, {.text = "contoso.porch.test"}};
        struct store_query q = {
            .where = "account_enabled = 1 AND " STORE_USER_IDENTITY_EXISTS_OPEN
                     "ui.id_lower = ? AND ui.issuer_lower = ? AND "
                     "LOWER(ui.sign_in_type) = 'emailaddress'" STORE_USER_IDENTITY_EXISTS_CLOSE,
            .binds = b,
            .nbinds = 2,
            .limit = 10};
        assert_int_equal(store_user_count(c, TID1, &q, &count), PORCH_OK);
        assert_int_equal(count, 1);
        assert_int_equal(store_user_count(c, TID2, &q, &count), PORCH_OK);
        assert_int_equal(count, 0);
    }
    {
        /* $search="mail:mail_x": '_' is escaped, so "mailax" would not match. */
        struct store_bind b = {.text = NULL};
        struct store_query q = {.where = STORE_USER_SEARCH_MAIL, .binds = &b, .nbinds = 1};
        pat = store_user_like_contains("MAIL_X");
        assert_string_equal(pat, "%mail!_x%");
        b.text = pat;
        assert_int_equal(store_user_count(c, TID1, &q, &count), PORCH_OK);
        assert_int_equal(count, 100);
        free(pat);
        pat = store_user_like_contains("mail%x");
        b.text = pat;
        assert_int_equal(store_user_count(c, TID1, &q, &count), PORCH_OK);
        assert_int_equal(count, 0);
        free(pat);
        /* startswith(displayName,'USER 29') */
        pat = store_user_like_prefix("USER 29");
        b.text = pat;
        q.where = "display_name_lower LIKE ? ESCAPE '!'";
        assert_int_equal(store_user_count(c, TID1, &q, &count), PORCH_OK);
        assert_int_equal(count, 10);
        free(pat);
    }
    fx_release(c);
}

static void rejects_incomplete_rows(void **state)
{
    struct db_conn *c = setup_tenants(state);
    struct user_row u;

    make(&u, TID1, "x", "emailAddress|contoso.porch.test|x@example.com", NULL);
    free(u.identities[0].issuer_assigned_id);
    u.identities[0].issuer_assigned_id = xstrdup("");
    assert_int_equal(store_user_insert(c, &u, NULL), PORCH_E_INVALID);
    store_user_row_release(&u);
    make(&u, TID1, "x", NULL, NULL);
    snprintf(u.id, sizeof(u.id), "not-a-guid");
    assert_int_equal(store_user_insert(c, &u, NULL), PORCH_E_INVALID);
    store_user_row_release(&u);
    fx_release(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(insert_get_find, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(identities_are_unique_per_tenant, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(concurrent_inserts_one_wins, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(replace_identities_atomically, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(update_setters_delete, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(list_pages_in_order, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(filters_lambdas_and_search, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(rejects_incomplete_rows, fx_setup, fx_teardown),
    };

    return fx_run("store/user", tests, sizeof(tests) / sizeof(tests[0]));
}
