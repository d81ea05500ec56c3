/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the journey state machine against an in-memory SQLite store and a fixed clock:
 * every table row is allowed and nothing else is, refusals leave the state alone, persistence
 * round-trips JSON, concurrent saves conflict, finishing is single use, and CSRF checks.
 */
#include "unit.h"

#include "core/clock.h"
#include "db/db.h"
#include "store/tenant.h"
#include "../../../src/journey/journey.c"

#define TID    "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define CLIENT "6e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
#define T0     1700000000

static int setup(void **state)
{
    struct db *db = NULL;
    struct db_conn *c = NULL;
    struct tenant t = {.created_at = 1};

    if (db_open("sqlite::memory:", 2, &db, NULL) != PORCH_OK ||
        db_migrate(db, NULL, NULL) != PORCH_OK || db_acquire(db, &c) != PORCH_OK)
        return -1;
    snprintf(t.id, sizeof(t.id), "%s", TID);
    snprintf(t.subdomain, sizeof(t.subdomain), "contoso");
    snprintf(t.display_name, sizeof(t.display_name), "Contoso");
    snprintf(t.country, sizeof(t.country), "US");
    snprintf(t.default_domain, sizeof(t.default_domain), "contoso.porch.test");
    if (store_tenant_insert(c, &t) != PORCH_OK)
        return -1;
    db_release(c);
    clock_set_fixed(T0);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    clock_set_fixed(-1);
    db_free(*state);
    return 0;
}

static bool in_table(enum journey_kind k, enum journey_state s, enum journey_event e)
{
    for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
        if (transitions[i].kind == k && transitions[i].from == s && transitions[i].event == e)
            return true;
    }
    return false;
}

static void table_is_the_whole_policy(void **state)
{
    struct journey j;

    (void)state;
    memset(&j, 0, sizeof(j));
    for (int s = 0; s < JOURNEY_STATE__COUNT; s++) {
        assert_string_not_equal(journey_state_name((enum journey_state)s), "?");
        for (int e = 0; e < JOURNEY_EVENT__COUNT; e++) {
            enum porch_err want =
                in_table(JOURNEY_SIGNIN, (enum journey_state)s, (enum journey_event)e)
                    ? PORCH_OK
                    : PORCH_E_DENIED;
            j.kind = JOURNEY_SIGNIN;
            j.state = (enum journey_state)s;
            assert_int_equal(journey_transition(&j, (enum journey_event)e), want);
            if (want == PORCH_E_DENIED)
                assert_int_equal(j.state, s); /* refused: unchanged */
        }
    }
    for (int e = 0; e < JOURNEY_EVENT__COUNT; e++) {
        j.state = JOURNEY_DONE; /* terminal states have no way out */
        assert_int_equal(journey_transition(&j, (enum journey_event)e), PORCH_E_DENIED);
        j.state = JOURNEY_FAILED;
        assert_int_equal(journey_transition(&j, (enum journey_event)e), PORCH_E_DENIED);
    }
    assert_string_equal(journey_event_name(JOURNEY_EVENT__COUNT), "?");
}

static void sign_in_path_and_skips(void **state)
{
    struct db_conn *c = NULL;
    struct journey j, again;
    char id[JOURNEY_TOKEN_LEN], csrf[JOURNEY_TOKEN_LEN];
    json_t *req = json_pack("{s:s, s:s}", "redirect_uri", "https://app.example/cb", "nonce", "n1");

    assert_int_equal(db_acquire(*state, &c), PORCH_OK);
    assert_int_equal(
        journey_create(c, TID, JOURNEY_SIGNIN, CLIENT, req, clock_now(), 900, &j, id, csrf),
        PORCH_OK);
    json_decref(req);
    assert_int_equal(j.state, JOURNEY_START);
    /* Posting the password page first is a skipped step. */
    assert_int_equal(journey_transition(&j, JOURNEY_EV_PASSWORD_OK), PORCH_E_DENIED);
    assert_int_equal(journey_transition(&j, JOURNEY_EV_BEGIN), PORCH_OK);
    assert_int_equal(journey_transition(&j, JOURNEY_EV_EMAIL), PORCH_OK);
    json_object_set_new(j.data, "email", json_string("a@contoso.com"));
    assert_int_equal(journey_save(c, &j), PORCH_OK);
    assert_int_equal(j.version, 2);

    assert_int_equal(journey_load(c, TID, id, clock_now(), &again), PORCH_OK);
    assert_int_equal(again.state, JOURNEY_PASSWORD);
    assert_int_equal(again.kind, JOURNEY_SIGNIN);
    assert_string_equal(again.client_id, CLIENT);
    assert_string_equal(json_string_value(json_object_get(again.data, "email")), "a@contoso.com");
    assert_string_equal(json_string_value(json_object_get(again.request, "nonce")), "n1");
    assert_int_equal(again.version, 2);

    assert_int_equal(journey_transition(&j, JOURNEY_EV_PASSWORD_BAD), PORCH_OK);
    assert_int_equal(journey_transition(&j, JOURNEY_EV_PASSWORD_OK), PORCH_OK);
    assert_int_equal(journey_transition(&j, JOURNEY_EV_KMSI), PORCH_OK);
    assert_int_equal(j.state, JOURNEY_DONE);
    assert_int_equal(journey_save(c, &j), PORCH_OK);
    /* A concurrent request that read version 2 loses. */
    assert_int_equal(journey_transition(&again, JOURNEY_EV_FAIL), PORCH_OK);
    assert_int_equal(journey_save(c, &again), PORCH_E_CONFLICT);
    assert_int_equal(journey_finish(c, &again), PORCH_E_CONFLICT);
    /* Finishing is single use. */
    assert_int_equal(journey_finish(c, &j), PORCH_OK);
    assert_int_equal(journey_finish(c, &j), PORCH_E_NOT_FOUND);
    journey_release(&again);
    assert_int_equal(journey_load(c, TID, id, clock_now(), &again), PORCH_E_NOT_FOUND);
    journey_release(&j);
    db_release(c);
}

static void csrf_and_expiry(void **state)
{
    struct db_conn *c = NULL;
    struct journey j, got;
    char id[JOURNEY_TOKEN_LEN], csrf[JOURNEY_TOKEN_LEN], other[JOURNEY_TOKEN_LEN];
    json_t *bad = json_array();

    assert_int_equal(db_acquire(*state, &c), PORCH_OK);
    assert_int_equal(
        journey_create(c, TID, JOURNEY_SIGNIN, CLIENT, NULL, clock_now(), 900, &j, id, csrf),
        PORCH_OK);
    assert_int_equal(journey_csrf_verify(&j, csrf), PORCH_OK);
    assert_int_equal(journey_csrf_verify(&j, id), PORCH_E_DENIED);
    assert_int_equal(journey_csrf_verify(&j, ""), PORCH_E_DENIED);
    assert_int_equal(journey_csrf_verify(&j, NULL), PORCH_E_DENIED);
    assert_int_equal(journey_load(c, TID, id, T0 + 899, &got), PORCH_OK);
    assert_int_equal(journey_csrf_verify(&got, csrf), PORCH_OK);
    journey_release(&got);
    /* the token can be derived again from the id (a page re-rendered from the cookie) */
    journey_csrf_of(id, other);
    assert_string_equal(other, csrf);
    assert_int_equal(journey_load(c, TID, id, T0 + 900, &got), PORCH_E_NOT_FOUND);

    /* A stored state this build does not know is a store error, not a guess. */
    assert_int_equal(db_exec(c, "UPDATE journeys SET state = 'mfa-later'"), PORCH_OK);
    assert_int_equal(journey_load(c, TID, id, T0, &got), PORCH_E_STORE);
    assert_int_equal(
        journey_create(c, TID, JOURNEY_SIGNIN, CLIENT, bad, T0, 900, &got, other, csrf),
        PORCH_E_INVALID);
    json_decref(bad);
    journey_release(&j);
    db_release(c);
}

/* journey_start stores the journey once, already moved by BEGIN to its first page. */
static void start_is_on_the_first_page(void **state)
{
    struct db_conn *c = NULL;
    struct journey j, got;
    char id[JOURNEY_TOKEN_LEN], csrf[JOURNEY_TOKEN_LEN];

    assert_int_equal(db_acquire(*state, &c), PORCH_OK);
    assert_int_equal(
        journey_start(c, TID, JOURNEY_SIGNIN, CLIENT, NULL, clock_now(), 900, &j, id, csrf),
        PORCH_OK);
    assert_int_equal(j.state, JOURNEY_EMAIL);
    assert_int_equal(journey_load(c, TID, id, clock_now(), &got), PORCH_OK);
    assert_int_equal(got.state, JOURNEY_EMAIL);
    assert_int_equal(got.version, 1);
    journey_release(&got);
    journey_release(&j);
    db_release(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_the_whole_policy),
        cmocka_unit_test_setup_teardown(sign_in_path_and_skips, setup, teardown),
        cmocka_unit_test_setup_teardown(csrf_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(start_is_on_the_first_page, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
