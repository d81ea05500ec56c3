/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the OData $filter compiler. Whatever the input, a successful compile
 * must yield SQL that contains no byte of client text beyond the schema's names: only the
 * characters the generator emits, one bound value per placeholder, balanced parentheses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "graph/odata.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct odata_field child[] = {
    {"issuer", "x.issuer", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"issuerAssignedId", "x.iaid", "x.iaid_lower", ODATA_T_STRING, ODATA_OPS_STR, 0},
};
static const struct odata_lambda lambdas[] = {
    {"identities", "ids x", "x.uid = u.id", child, 2, true},
    {"targets", NULL, NULL, child, 2, false},
};
static const struct odata_field fields[] = {
    {"displayName", "dn", "dn_lower", ODATA_T_STRING, ODATA_OPS_STR | ODATA_OP_ENDSWITH, 0},
    {"enabled", "en", NULL, ODATA_T_BOOL, ODATA_OPS_EQ, 0},
    {"created", "ca", NULL, ODATA_T_DATETIME, ODATA_OPS_ORD, 0},
    {"id", "id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"n", "n", NULL, ODATA_T_INT, ODATA_OPS_ORD, ODATA_F_ADVANCED},
};
static const struct odata_schema schema = {
    .type_name = "user",
    .resource = "User",
    .fields = fields,
    .nfields = 5,
    .lambdas = lambdas,
    .nlambdas = 2,
    .tiebreak = "id",
};

/*
 * Every byte the generator may write: names from the schema, keywords, operators and '?';
 * the only quotes are those of the fixed ESCAPE '\' clause.
 */
static int sql_ok(const char *sql, size_t nbinds)
{
    static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                  "_.() ,?=<>*";
    static const char escape[] = "ESCAPE '\\'";
    size_t q = 0;
    long depth = 0;

    for (const char *p = sql; *p; p++) {
        if (strncmp(p, escape, sizeof(escape) - 1) == 0) {
            p += sizeof(escape) - 2;
            continue;
        }
        if (!strchr(allowed, *p))
            return 0;
        q += *p == '?';
        depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
        if (depth < 0)
            return 0;
    }
    return q == nbinds && depth == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct odata_filter f;
    struct porch_error e;
    char *text = malloc(size + 1);

    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    memset(&e, 0, sizeof(e));
    if (odata_filter_compile(&schema, text, a, &f, &e) == PORCH_OK) {
        if (!sql_ok(f.where, f.nbinds) || f.nbinds > ODATA_FILTER_MAX_BINDS)
            abort();
    } else if (!e.msg[0]) {
        abort();
    }
    free(text);
    arena_free(a);
    return 0;
}
