/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The $filter compiler: a lexer, a recursive-descent parser that builds an AST in the arena
 * (bounded in length, depth and node count before anything is allocated beyond them), and a
 * code generator that walks the AST and emits SQL made only of the schema's column names,
 * fixed operator text and `?` placeholders. Literals are type-checked against the field they
 * are compared with while parsing, so the generator never sees a value it cannot bind.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "graph/odata.h"
#include "core/clock.h"
#include "core/sbuf.h"
#include "core/uuid.h"
#include "core/banned.h"

#define SQL_MAX (32 * 1024)

enum tok_kind { T_EOF, T_LPAREN, T_RPAREN, T_COMMA, T_COLON, T_STRING, T_WORD };

struct tok {
    enum tok_kind kind;
    const char *text; /* arena copy: unescaped string, or the word */
};

enum lit_kind { L_NULL, L_BOOL, L_INT, L_TEXT };

struct lit {
    enum lit_kind kind;
    const char *text;
    int64_t i;
};

enum node_kind { N_AND, N_OR, N_NOT, N_CMP, N_IN, N_STARTS, N_ENDS, N_ANY, N_COUNT };

struct node {
    enum node_kind kind;
    unsigned op; /* enum odata_ops for N_CMP / N_COUNT */
    const struct odata_field *field;
    const struct odata_lambda *lambda;
    struct lit *lits;
    size_t nlits;
    struct node *l, *r;
};

struct parser {
    const struct odata_schema *s;
    struct arena *a;
    const char *p;                     /* next input byte */
    struct tok tok;                    /* current token */
    const struct odata_lambda *lambda; /* inside any(): its collection */
    const char *var;                   /* and its range variable */
    unsigned depth, nodes, advanced;
    struct porch_error *e;
};

static enum porch_err reject(struct parser *ps, enum porch_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum porch_err reject(struct parser *ps, enum porch_err err, const char *fmt, ...)
{
    va_list ap;

    if (ps->e) {
        ps->e->code = err;
        va_start(ap, fmt);
        vsnprintf(ps->e->msg, sizeof(ps->e->msg), fmt, ap);
        va_end(ap);
    }
    return err;
}

static enum porch_err syntax(struct parser *ps)
{
    return reject(ps, PORCH_E_INVALID, "Invalid filter clause");
}

/* A short, printable copy of a client token for messages. */
static const char *quote(struct parser *ps, const char *s)
{
    char *q = arena_strndup(ps->a, s, strnlen(s, 40));

    for (char *c = q; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == '\'' || *c == '"')
            *c = '?';
    return q;
}

static bool word_char(char c, bool numeric)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '/' || c == '$' || c == '.' || c == '-' || c == '+' || (numeric && c == ':');
}

static enum porch_err lex_string(struct parser *ps)
{
    struct sbuf sb;
    const char *p = ps->p + 1;
    enum porch_err err = PORCH_OK;

    sbuf_init(&sb, ODATA_FILTER_MAX_LEN);
    for (;; p++) {
        if (*p == '\0') {
            err = reject(ps, PORCH_E_INVALID, "Invalid filter clause: unterminated string literal");
            break;
        }
        if (*p == '\'' && p[1] != '\'')
            break;
        if (*p == '\'')
            p++;
        err = sbuf_addch(&sb, *p);
        if (err != PORCH_OK)
            break;
    }
    if (err == PORCH_OK) {
        ps->tok.kind = T_STRING;
        ps->tok.text = arena_strndup(ps->a, sb.buf, sb.len);
        ps->p = p + 1;
    }
    sbuf_release(&sb);
    return err;
}

static enum porch_err next(struct parser *ps)
{
    static const char punct[] = "(),:";
    static const enum tok_kind kinds[] = {T_LPAREN, T_RPAREN, T_COMMA, T_COLON};
    const char *start, *pc;

    while (*ps->p == ' ' || *ps->p == '\t')
        ps->p++;
    if (*ps->p == '\0') {
        ps->tok.kind = T_EOF;
        return PORCH_OK;
    }
    pc = strchr(punct, *ps->p);
    if (pc) {
        ps->tok.kind = kinds[pc - punct];
        ps->p++;
        return PORCH_OK;
    }
    if (*ps->p == '\'')
        return lex_string(ps);
    start = ps->p;
    if (!word_char(*start, false))
        return reject(ps, PORCH_E_INVALID, "Invalid filter clause: unexpected character");
    while (word_char(*ps->p, (*start >= '0' && *start <= '9')))
        ps->p++;
    ps->tok.kind = T_WORD;
    ps->tok.text = arena_strndup(ps->a, start, (size_t)(ps->p - start));
    return PORCH_OK;
}

static bool is_word(const struct parser *ps, const char *w)
{
    return ps->tok.kind == T_WORD && strcasecmp(ps->tok.text, w) == 0;
}

static enum porch_err expect(struct parser *ps, enum tok_kind k)
{
    if (ps->tok.kind != k)
        return syntax(ps);
    return next(ps);
}

static struct node *new_node(struct parser *ps, enum node_kind kind)
{
    struct node *n;

    if (++ps->nodes > ODATA_FILTER_MAX_NODES)
        return NULL;
    n = arena_calloc(ps->a, 1, sizeof(*n));
    n->kind = kind;
    return n;
}

static enum porch_err too_many(struct parser *ps)
{
    return reject(ps, PORCH_E_INVALID, "The filter clause has too many terms");
}

/* --- fields and literals ------------------------------------------------------------------- */

static const struct odata_field *find_field(const struct odata_field *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(f[i].name, name) == 0)
            return &f[i];
    return NULL;
}

/* Resolves a property path in the current scope (the row, or `var/…` inside a lambda). */
static enum porch_err resolve(struct parser *ps, const char *path, const struct odata_field **out)
{
    size_t vl = ps->var ? strlen(ps->var) : 0;

    if (ps->lambda) {
        if (strncmp(path, ps->var, vl) != 0 || path[vl] != '/')
            return reject(ps, PORCH_E_UNSUPPORTED,
                          "Unsupported query: inside any() name properties as '%s/…'.", ps->var);
        *out = find_field(ps->lambda->fields, ps->lambda->nfields, path + vl + 1);
    } else {
        *out = find_field(ps->s->fields, ps->s->nfields, path);
    }
    if (!*out)
        return reject(ps, PORCH_E_UNSUPPORTED,
                      "Unsupported or invalid query filter clause specified for property '%s'.",
                      quote(ps, path));
    if ((*out)->flags & ODATA_F_ADVANCED)
        ps->advanced |= ODATA_ADV_FIELD;
    return PORCH_OK;
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

static bool parse_int(const char *s, int64_t *out)
{
    size_t i = s[0] == '-' ? 1 : 0;
    int64_t v = 0;

    if (!s[i] || strlen(s + i) > 18)
        return false;
    for (; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = s[0] == '-' ? -v : v;
    return true;
}

static enum porch_err bad_value(struct parser *ps, const struct odata_field *f)
{
    return reject(ps, PORCH_E_INVALID,
                  "Invalid filter clause: the value for property '%s' is not "
                  "of the property's type.",
                  f->name);
}

/* Reads the current token as a literal for field f (typed, normalized) and advances. */
static enum porch_err literal(struct parser *ps, const struct odata_field *f, struct lit *out)
{
    const struct tok t = ps->tok;
    bool word = t.kind == T_WORD, str = t.kind == T_STRING;

    if (!word && !str)
        return syntax(ps);
    memset(out, 0, sizeof(*out));
    if (word && strcmp(t.text, "null") == 0) {
        out->kind = L_NULL;
    } else if (f->type == ODATA_T_STRING && str) {
        out->kind = L_TEXT;
        out->text = t.text;
        if (f->ci_column)
            lower_ascii((char *)(uintptr_t)out->text);
    } else if (f->type == ODATA_T_GUID && uuid_valid(t.text)) {
        out->kind = L_TEXT;
        out->text = t.text;
        lower_ascii((char *)(uintptr_t)out->text);
    } else if (f->type == ODATA_T_BOOL && word &&
               (strcmp(t.text, "true") == 0 || strcmp(t.text, "false") == 0)) {
        out->kind = L_BOOL;
        out->i = t.text[0] == 't';
    } else if (f->type == ODATA_T_INT && word && parse_int(t.text, &out->i)) {
        out->kind = L_INT;
    } else if (f->type == ODATA_T_DATETIME && clock_parse_iso(t.text, &out->i) == 0) {
        out->kind = L_INT;
    } else {
        return bad_value(ps, f);
    }
    return next(ps);
}

/* --- grammar ------------------------------------------------------------------------------- */

static enum porch_err parse_or(struct parser *ps, struct node **out);

static const struct {
    const char *word;
    unsigned op;
} cmp_ops[] = {
    {"eq", ODATA_OP_EQ}, {"ne", ODATA_OP_NE}, {"gt", ODATA_OP_GT},
    {"ge", ODATA_OP_GE}, {"lt", ODATA_OP_LT}, {"le", ODATA_OP_LE},
};

static unsigned cmp_op(const struct parser *ps)
{
    for (size_t i = 0; i < sizeof(cmp_ops) / sizeof(cmp_ops[0]); i++)
        if (is_word(ps, cmp_ops[i].word))
            return cmp_ops[i].op;
    return 0;
}

static const char *op_name(unsigned op)
{
    for (size_t i = 0; i < sizeof(cmp_ops) / sizeof(cmp_ops[0]); i++)
        if (cmp_ops[i].op == op)
            return cmp_ops[i].word;
    return op == ODATA_OP_IN ? "in" : op == ODATA_OP_STARTSWITH ? "startswith" : "endswith";
}

static enum porch_err allow(struct parser *ps, const struct odata_field *f, unsigned op)
{
    if (!(f->ops & op) || (op == ODATA_OP_ENDSWITH && !f->ci_column))
        return reject(ps, PORCH_E_UNSUPPORTED,
                      "Unsupported query: operator '%s' is not supported for this property.",
                      op_name(op));
    if (op == ODATA_OP_NE)
        ps->advanced |= ODATA_ADV_NE;
    if (op == ODATA_OP_ENDSWITH)
        ps->advanced |= ODATA_ADV_ENDSWITH;
    return PORCH_OK;
}

/* `(v1, v2, …)` after `in`. */
static enum porch_err parse_in_list(struct parser *ps, struct node *n)
{
    enum porch_err err = expect(ps, T_LPAREN);

    n->lits = arena_calloc(ps->a, ODATA_FILTER_MAX_IN, sizeof(struct lit));
    while (err == PORCH_OK) {
        if (n->nlits == ODATA_FILTER_MAX_IN)
            return reject(ps, PORCH_E_INVALID, "Invalid filter clause: too many values in 'in'");
        err = literal(ps, n->field, &n->lits[n->nlits]);
        if (err == PORCH_OK && n->lits[n->nlits++].kind == L_NULL)
            return reject(ps, PORCH_E_UNSUPPORTED, "Unsupported query: null in an 'in' list");
        if (err == PORCH_OK && ps->tok.kind != T_COMMA)
            break;
        if (err == PORCH_OK)
            err = next(ps);
    }
    return err == PORCH_OK ? expect(ps, T_RPAREN) : err;
}

/* `<collection>/$count <op> N` (the path token has been read). */
static enum porch_err parse_count(struct parser *ps, const char *path, struct node **out)
{
    size_t len = strlen(path) - strlen("/$count");
    const struct odata_lambda *l = NULL;
    struct node *n;
    static const struct odata_field count_field = {"$count", "", NULL, ODATA_T_INT, 0, 0};

    for (size_t i = 0; !ps->lambda && i < ps->s->nlambdas; i++)
        if (strlen(ps->s->lambdas[i].name) == len &&
            strncasecmp(ps->s->lambdas[i].name, path, len) == 0)
            l = &ps->s->lambdas[i];
    if (!l || !l->countable || !l->table)
        return reject(ps, PORCH_E_UNSUPPORTED, "Unsupported query: '%s' cannot be counted.",
                      quote(ps, path));
    n = new_node(ps, N_COUNT);
    if (!n)
        return too_many(ps);
    n->lambda = l;
    n->op = cmp_op(ps);
    if (!n->op)
        return syntax(ps);
    ps->advanced |= ODATA_ADV_COUNT;
    n->lits = arena_calloc(ps->a, 1, sizeof(struct lit));
    n->nlits = 1;
    *out = n;
    return next(ps) == PORCH_OK ? literal(ps, &count_field, n->lits) : PORCH_E_INVALID;
}

/* `path op literal` or `path in (…)`; the path is the current token. */
static enum porch_err parse_comparison(struct parser *ps, struct node **out)
{
    const char *path = ps->tok.text;
    size_t plen = strlen(path);
    enum porch_err err;
    struct node *n;

    err = next(ps);
    if (err == PORCH_OK && plen > 7 && strcmp(path + plen - 7, "/$count") == 0)
        return parse_count(ps, path, out);
    n = new_node(ps, N_CMP);
    if (!n)
        return too_many(ps);
    if (err == PORCH_OK)
        err = resolve(ps, path, &n->field);
    if (err != PORCH_OK)
        return err;
    *out = n;
    if (is_word(ps, "in")) {
        n->kind = N_IN;
        err = allow(ps, n->field, ODATA_OP_IN);
        return err == PORCH_OK ? (next(ps) == PORCH_OK ? parse_in_list(ps, n) : PORCH_E_INVALID)
                               : err;
    }
    n->op = cmp_op(ps);
    if (!n->op)
        return reject(ps, PORCH_E_UNSUPPORTED, "Unsupported query: operator '%s' is not supported.",
                      ps->tok.kind == T_WORD ? quote(ps, ps->tok.text) : "");
    err = allow(ps, n->field, n->op);
    n->lits = arena_calloc(ps->a, 1, sizeof(struct lit));
    n->nlits = 1;
    if (err == PORCH_OK)
        err = next(ps);
    if (err == PORCH_OK)
        err = literal(ps, n->field, n->lits);
    if (err == PORCH_OK && n->lits[0].kind == L_NULL && n->op != ODATA_OP_EQ &&
        n->op != ODATA_OP_NE)
        return reject(ps, PORCH_E_UNSUPPORTED, "Unsupported query: null with operator '%s'.",
                      op_name(n->op));
    return err;
}

/* startswith(path, 'x') / endswith(path, 'x'); the function name is the current token. */
static enum porch_err parse_function(struct parser *ps, struct node **out)
{
    bool starts = is_word(ps, "startswith");
    enum porch_err err;
    struct node *n;

    if (!starts && !is_word(ps, "endswith"))
        return reject(ps, PORCH_E_UNSUPPORTED, "Unsupported query: function '%s' is not supported.",
                      quote(ps, ps->tok.text));
    n = new_node(ps, starts ? N_STARTS : N_ENDS);
    if (!n)
        return too_many(ps);
    *out = n;
    err = next(ps);
    if (err == PORCH_OK)
        err = expect(ps, T_LPAREN);
    if (err == PORCH_OK && ps->tok.kind != T_WORD)
        err = syntax(ps);
    if (err == PORCH_OK)
        err = resolve(ps, ps->tok.text, &n->field);
    if (err == PORCH_OK)
        err = allow(ps, n->field, starts ? ODATA_OP_STARTSWITH : ODATA_OP_ENDSWITH);
    if (err == PORCH_OK)
        err = next(ps);
    if (err == PORCH_OK)
        err = expect(ps, T_COMMA);
    n->lits = arena_calloc(ps->a, 1, sizeof(struct lit));
    n->nlits = 1;
    if (err == PORCH_OK && (ps->tok.kind != T_STRING || n->field->type != ODATA_T_STRING))
        err = bad_value(ps, n->field);
    if (err == PORCH_OK)
        err = literal(ps, n->field, n->lits);
    return err == PORCH_OK ? expect(ps, T_RPAREN) : err;
}

/* `<collection>/any(v: expr)`; the current token is the path ending in /any or /all. */
static enum porch_err parse_lambda(struct parser *ps, struct node **out)
{
    const char *path = ps->tok.text, *slash = strrchr(path, '/');
    size_t len = (size_t)(slash - path);
    enum porch_err err;
    struct node *n;

    if (strcasecmp(slash + 1, "any") != 0)
        return reject(ps, PORCH_E_UNSUPPORTED, "Unsupported query: lambda operator '%s'.",
                      quote(ps, slash + 1));
    if (ps->lambda)
        return reject(ps, PORCH_E_UNSUPPORTED, "Unsupported query: nested any()");
    n = new_node(ps, N_ANY);
    if (!n)
        return too_many(ps);
    for (size_t i = 0; i < ps->s->nlambdas; i++)
        if (strlen(ps->s->lambdas[i].name) == len &&
            strncasecmp(ps->s->lambdas[i].name, path, len) == 0)
            n->lambda = &ps->s->lambdas[i];
    if (!n->lambda)
        return reject(ps, PORCH_E_UNSUPPORTED,
                      "Unsupported or invalid query filter clause specified for property '%s'.",
                      quote(ps, arena_strndup(ps->a, path, len)));
    *out = n;
    err = next(ps);
    if (err == PORCH_OK)
        err = expect(ps, T_LPAREN);
    if (err == PORCH_OK && (ps->tok.kind != T_WORD || strchr(ps->tok.text, '/')))
        err = syntax(ps);
    if (err != PORCH_OK)
        return err;
    ps->var = ps->tok.text;
    ps->lambda = n->lambda;
    err = next(ps);
    if (err == PORCH_OK)
        err = expect(ps, T_COLON);
    if (err == PORCH_OK)
        err = parse_or(ps, &n->l);
    ps->lambda = NULL;
    ps->var = NULL;
    return err == PORCH_OK ? expect(ps, T_RPAREN) : err;
}

static enum porch_err parse_primary(struct parser *ps, struct node **out)
{
    enum porch_err err;
    const char *slash;

    if (ps->tok.kind == T_LPAREN) {
        err = next(ps);
        if (err == PORCH_OK)
            err = parse_or(ps, out);
        return err == PORCH_OK ? expect(ps, T_RPAREN) : err;
    }
    if (ps->tok.kind != T_WORD)
        return syntax(ps);
    if (*ps->p == '(' || (*ps->p == ' ' && ps->p[strspn(ps->p, " ")] == '(')) {
        slash = strrchr(ps->tok.text, '/');
        return slash ? parse_lambda(ps, out) : parse_function(ps, out);
    }
    return parse_comparison(ps, out);
}

static enum porch_err parse_unary(struct parser *ps, struct node **out)
{
    enum porch_err err;
    struct node *n;

    if (++ps->depth > ODATA_FILTER_MAX_DEPTH)
        return reject(ps, PORCH_E_INVALID, "The filter clause is nested too deeply");
    if (is_word(ps, "not")) {
        n = new_node(ps, N_NOT);
        if (!n)
            return too_many(ps);
        ps->advanced |= ODATA_ADV_NOT;
        err = next(ps);
        if (err == PORCH_OK)
            err = parse_unary(ps, &n->l);
        *out = n;
    } else {
        err = parse_primary(ps, out);
    }
    ps->depth--;
    return err;
}

/* and binds tighter than or; both are left-associative. */
static enum porch_err parse_binary(struct parser *ps, bool is_or, struct node **out)
{
    enum porch_err err = is_or ? parse_binary(ps, false, out) : parse_unary(ps, out);

    while (err == PORCH_OK && is_word(ps, is_or ? "or" : "and")) {
        struct node *n = new_node(ps, is_or ? N_OR : N_AND);
        if (!n)
            return too_many(ps);
        n->l = *out;
        err = next(ps);
        if (err == PORCH_OK)
            err = is_or ? parse_binary(ps, false, &n->r) : parse_unary(ps, &n->r);
        *out = n;
    }
    return err;
}

static enum porch_err parse_or(struct parser *ps, struct node **out)
{
    enum porch_err err;

    if (++ps->depth > ODATA_FILTER_MAX_DEPTH)
        return reject(ps, PORCH_E_INVALID, "The filter clause is nested too deeply");
    err = parse_binary(ps, true, out);
    ps->depth--;
    return err;
}

/* --- SQL generation ------------------------------------------------------------------------ */

struct gen {
    struct parser *ps;
    struct sbuf sql;
    struct store_bind *binds;
    size_t n;
};

static enum porch_err gen_node(struct gen *g, const struct node *n);

static enum porch_err add_bind(struct gen *g, bool is_int, const char *text, int64_t i)
{
    if (g->n == ODATA_FILTER_MAX_BINDS)
        return too_many(g->ps);
    g->binds[g->n].is_int = is_int;
    g->binds[g->n].text = text;
    g->binds[g->n].i = i;
    g->n++;
    return sbuf_addch(&g->sql, '?');
}

static enum porch_err bind_lit(struct gen *g, const struct lit *l)
{
    return l->kind == L_TEXT ? add_bind(g, false, l->text, 0) : add_bind(g, true, NULL, l->i);
}

static const char *sql_op(unsigned op)
{
    switch (op) {
    case ODATA_OP_NE:
        return "<>";
    case ODATA_OP_GT:
        return ">";
    case ODATA_OP_GE:
        return ">=";
    case ODATA_OP_LT:
        return "<";
    case ODATA_OP_LE:
        return "<=";
    default:
        return "=";
    }
}

/* The column a string comparison reads: the lower-cased copy when the schema has one. */
static const char *cmp_column(const struct odata_field *f)
{
    return f->ci_column && f->type == ODATA_T_STRING ? f->ci_column : f->column;
}

static enum porch_err gen_cmp(struct gen *g, const struct node *n)
{
    const char *col = cmp_column(n->field);
    enum porch_err err;

    if (n->lits[0].kind == L_NULL)
        return sbuf_addf(&g->sql, "%s IS %sNULL", col, n->op == ODATA_OP_NE ? "NOT " : "");
    if (n->op == ODATA_OP_NE)
        err = sbuf_addf(&g->sql, "(%s IS NULL OR %s <> ", col, col);
    else
        err = sbuf_addf(&g->sql, "%s %s ", col, sql_op(n->op));
    if (err == PORCH_OK)
        err = bind_lit(g, &n->lits[0]);
    if (err == PORCH_OK && n->op == ODATA_OP_NE)
        err = sbuf_addch(&g->sql, ')');
    return err;
}

static enum porch_err gen_in(struct gen *g, const struct node *n)
{
    enum porch_err err = sbuf_addf(&g->sql, "%s IN (", cmp_column(n->field));

    for (size_t i = 0; err == PORCH_OK && i < n->nlits; i++) {
        if (i)
            err = sbuf_adds(&g->sql, ", ");
        if (err == PORCH_OK)
            err = bind_lit(g, &n->lits[i]);
    }
    return err == PORCH_OK ? sbuf_addch(&g->sql, ')') : err;
}

/* Characters (not bytes) in UTF-8 text, as substr() counts them on both backends. */
static int64_t utf8_chars(const char *s)
{
    int64_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/*
 * startswith compares a prefix with substr(), which counts characters and compares exactly on
 * both backends (LIKE is case-insensitive on SQLite only); endswith uses LIKE, but only on a
 * lower-cased column with a lower-cased pattern, where that difference cannot show.
 */
static enum porch_err gen_affix(struct gen *g, const struct node *n)
{
    const char *lit = n->lits[0].text;
    struct sbuf pat;
    enum porch_err err;

    if (n->kind == N_STARTS) {
        err = sbuf_addf(&g->sql, "substr(%s, 1, ", cmp_column(n->field));
        if (err == PORCH_OK)
            err = add_bind(g, true, NULL, utf8_chars(lit));
        if (err == PORCH_OK)
            err = sbuf_adds(&g->sql, ") = ");
        return err == PORCH_OK ? add_bind(g, false, lit, 0) : err;
    }
    sbuf_init(&pat, ODATA_FILTER_MAX_LEN * 2 + 2);
    err = sbuf_addch(&pat, '%');
    for (const char *c = lit; err == PORCH_OK && *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            err = sbuf_addch(&pat, '\\');
        if (err == PORCH_OK)
            err = sbuf_addch(&pat, *c);
    }
    if (err == PORCH_OK)
        err = sbuf_addf(&g->sql, "%s LIKE ", n->field->ci_column);
    if (err == PORCH_OK)
        err = add_bind(g, false, arena_strndup(g->ps->a, pat.buf, pat.len), 0);
    if (err == PORCH_OK)
        err = sbuf_adds(&g->sql, " ESCAPE '\\'");
    sbuf_release(&pat);
    return err;
}

static enum porch_err gen_lambda(struct gen *g, const struct node *n)
{
    const struct odata_lambda *l = n->lambda;
    enum porch_err err;

    if (n->kind == N_COUNT) {
        err = sbuf_addf(&g->sql, "(SELECT COUNT(*) FROM %s WHERE %s) %s ", l->table, l->join,
                        sql_op(n->op));
        return err == PORCH_OK ? bind_lit(g, &n->lits[0]) : err;
    }
    if (l->table)
        err = sbuf_addf(&g->sql, "EXISTS (SELECT 1 FROM %s WHERE %s AND (", l->table, l->join);
    else
        err = sbuf_addch(&g->sql, '(');
    if (err == PORCH_OK)
        err = gen_node(g, n->l);
    if (err == PORCH_OK)
        err = sbuf_adds(&g->sql, l->table ? "))" : ")");
    return err;
}

static enum porch_err gen_node(struct gen *g, const struct node *n)
{
    enum porch_err err;

    switch (n->kind) {
    case N_AND:
    case N_OR:
        err = sbuf_addch(&g->sql, '(');
        if (err == PORCH_OK)
            err = gen_node(g, n->l);
        if (err == PORCH_OK)
            err = sbuf_adds(&g->sql, n->kind == N_AND ? " AND " : " OR ");
        if (err == PORCH_OK)
            err = gen_node(g, n->r);
        return err == PORCH_OK ? sbuf_addch(&g->sql, ')') : err;
    case N_NOT:
        err = sbuf_adds(&g->sql, "NOT (");
        if (err == PORCH_OK)
            err = gen_node(g, n->l);
        return err == PORCH_OK ? sbuf_addch(&g->sql, ')') : err;
    case N_CMP:
        return gen_cmp(g, n);
    case N_IN:
        return gen_in(g, n);
    case N_STARTS:
    case N_ENDS:
        return gen_affix(g, n);
    case N_ANY:
    case N_COUNT:
        return gen_lambda(g, n);
    }
    return PORCH_E_INTERNAL;
}

static enum porch_err generate(struct parser *ps, const struct node *root, struct odata_filter *out)
{
    struct gen g = {.ps = ps};
    enum porch_err err;

    sbuf_init(&g.sql, SQL_MAX);
    g.binds = arena_calloc(ps->a, ODATA_FILTER_MAX_BINDS, sizeof(struct store_bind));
    err = gen_node(&g, root);
    if (err == PORCH_E_TOO_BIG)
        err = too_many(ps);
    if (err == PORCH_OK) {
        out->where = arena_strndup(ps->a, g.sql.buf, g.sql.len);
        out->binds = g.binds;
        out->nbinds = g.n;
    }
    sbuf_release(&g.sql);
    return err;
}

enum porch_err odata_filter_compile(const struct odata_schema *s, const char *text, struct arena *a,
                                    struct odata_filter *out, struct porch_error *e)
{
    struct parser ps = {.s = s, .a = a, .p = text, .e = e};
    struct node *root = NULL;
    enum porch_err err;

    memset(out, 0, sizeof(*out));
    out->where = "";
    if (!text || !*text)
        return PORCH_OK;
    if (strlen(text) > ODATA_FILTER_MAX_LEN)
        return reject(&ps, PORCH_E_INVALID, "The filter clause is too long");
    err = next(&ps);
    if (err == PORCH_OK)
        err = parse_or(&ps, &root);
    if (err == PORCH_OK && ps.tok.kind != T_EOF)
        err = syntax(&ps);
    if (err == PORCH_OK)
        err = generate(&ps, root, out);
    out->advanced = ps.advanced;
    return err;
}
