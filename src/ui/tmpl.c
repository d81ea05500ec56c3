/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The template engine (syntax in tmpl.h). A template compiles to a flat array of ops: text
 * runs, insertions, and block ops whose mid/end indexes point at their {{else}} and closing
 * tag, so rendering is a loop over a range that recurses only into blocks and partials.
 * Parse errors are programmer errors in our own templates; the embedded ones are parsed by
 * tests/unit/ui/test_pages.c, and tests/fuzz/fuzz_template.c feeds the parser garbage.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/tmpl.h"
#include "core/banned.h"

#define MAX_SCOPES 32 /* #each items stacked across partials */

enum op_kind { OP_TEXT, OP_VAR, OP_RAW, OP_T, OP_IF, OP_ELSE, OP_EACH, OP_END, OP_PARTIAL };

struct op {
    enum op_kind kind;
    const char *text; /* OP_TEXT: points into tmpl.src, len bytes */
    size_t len;
    char *name;                /* name, key or partial; owned */
    char *args[TMPL_MAX_ARGS]; /* OP_T: names of the {0}… values; owned */
    size_t nargs;
    size_t mid, end; /* OP_IF: its OP_ELSE (or end); OP_IF/OP_EACH: its OP_END */
};

struct tmpl {
    char *name;
    char *src;
    struct op *ops;
    size_t nops;
};

struct tmpl_lib {
    struct tmpl *items;
    size_t n;
};

struct parser {
    const char *src;
    size_t len, pos, tag; /* tag: where the tag being parsed starts, for error lines */
    struct op *ops;
    size_t nops, cap;
    size_t stack[TMPL_MAX_NEST];
    size_t depth;
    struct porch_error *e;
};

struct render {
    const struct tmpl_lib *lib;
    const struct tmpl_data *d;
    struct sbuf *out;
    const json_t *scope[MAX_SCOPES];
    size_t nscope;
    unsigned depth;
};

static enum porch_err run(struct render *r, const struct tmpl *t, size_t from, size_t to);

static void op_free(struct op *op)
{
    free(op->name);
    for (size_t i = 0; i < op->nargs; i++)
        free(op->args[i]);
}

static void ops_free(struct op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++)
        op_free(&ops[i]);
    free(ops);
}

struct tmpl_lib *tmpl_lib_new(void)
{
    return xcalloc(1, sizeof(struct tmpl_lib));
}

void tmpl_lib_free(struct tmpl_lib *lib)
{
    if (!lib)
        return;
    for (size_t i = 0; i < lib->n; i++) {
        ops_free(lib->items[i].ops, lib->items[i].nops);
        free(lib->items[i].name);
        free(lib->items[i].src);
    }
    free(lib->items);
    free(lib);
}

static const struct tmpl *find(const struct tmpl_lib *lib, const char *name)
{
    for (size_t i = 0; i < lib->n; i++) {
        if (strcmp(lib->items[i].name, name) == 0)
            return &lib->items[i];
    }
    return NULL;
}

bool tmpl_lib_has(const struct tmpl_lib *lib, const char *name)
{
    return find(lib, name) != NULL;
}

/* ---- parsing ---- */

static unsigned line_of(const struct parser *p)
{
    unsigned line = 1;

    for (size_t i = 0; i < p->tag && i < p->len; i++)
        line += p->src[i] == '\n';
    return line;
}

static enum porch_err syntax_error(struct parser *p, enum porch_err err, const char *what)
{
    return PORCH_ERROR_SET(p->e, err, "template line %u: %s", line_of(p), what);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

static bool name_valid(const char *s, size_t n)
{
    if (n == 0 || n > TMPL_MAX_NAME)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!is_name_char(s[i]))
            return false;
    }
    return true;
}

/* Splits the next whitespace-separated word off [*s, end). False when none is left. */
static bool next_word(const char **s, const char *end, const char **w, size_t *wl)
{
    while (*s < end && is_space(**s))
        (*s)++;
    if (*s == end)
        return false;
    *w = *s;
    while (*s < end && !is_space(**s))
        (*s)++;
    *wl = (size_t)(*s - *w);
    return true;
}

static enum porch_err emit(struct parser *p, enum op_kind kind, struct op **out)
{
    if (p->nops == TMPL_MAX_OPS)
        return syntax_error(p, PORCH_E_TOO_BIG, "too many instructions");
    if (p->nops == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->ops = xrealloc(p->ops, p->cap * sizeof(*p->ops));
    }
    *out = &p->ops[p->nops++];
    memset(*out, 0, sizeof(**out));
    (*out)->kind = kind;
    return PORCH_OK;
}

/* Emits an op that takes exactly one name: {{name}}, {{raw name}}, {{#if name}}, {{> name}}. */
static enum porch_err emit_named(struct parser *p, enum op_kind kind, const char *s,
                                 const char *end)
{
    const char *w, *extra;
    size_t wl, xl;
    struct op *op;
    enum porch_err err;

    if (!next_word(&s, end, &w, &wl) || !name_valid(w, wl) || next_word(&s, end, &extra, &xl))
        return syntax_error(p, PORCH_E_INVALID, "expected one name");
    err = emit(p, kind, &op);
    if (err != PORCH_OK)
        return err;
    op->name = xstrndup(w, wl);
    return PORCH_OK;
}

/* {{t "key" arg…}} */
static enum porch_err emit_t(struct parser *p, const char *s, const char *end)
{
    const char *w;
    size_t wl;
    struct op *op;
    enum porch_err err;

    if (!next_word(&s, end, &w, &wl) || wl < 3 || w[0] != '"' || w[wl - 1] != '"' ||
        !name_valid(w + 1, wl - 2))
        return syntax_error(p, PORCH_E_INVALID, "{{t}} needs a quoted key");
    err = emit(p, OP_T, &op);
    if (err != PORCH_OK)
        return err;
    op->name = xstrndup(w + 1, wl - 2);
    while (next_word(&s, end, &w, &wl)) {
        if (op->nargs == TMPL_MAX_ARGS)
            return syntax_error(p, PORCH_E_TOO_BIG, "too many {{t}} arguments");
        if (!name_valid(w, wl))
            return syntax_error(p, PORCH_E_INVALID, "bad {{t}} argument");
        op->args[op->nargs++] = xstrndup(w, wl);
    }
    return PORCH_OK;
}

static enum porch_err open_block(struct parser *p, enum op_kind kind, const char *s,
                                 const char *end)
{
    enum porch_err err;

    if (p->depth == TMPL_MAX_NEST)
        return syntax_error(p, PORCH_E_TOO_BIG, "blocks nested too deep");
    err = emit_named(p, kind, s, end);
    if (err == PORCH_OK)
        p->stack[p->depth++] = p->nops - 1;
    return err;
}

static enum porch_err emit_else(struct parser *p)
{
    struct op *op;
    size_t top = p->depth ? p->stack[p->depth - 1] : 0;
    enum porch_err err;

    if (!p->depth || p->ops[top].kind != OP_IF || p->ops[top].mid)
        return syntax_error(p, PORCH_E_INVALID, "{{else}} outside {{#if}}");
    err = emit(p, OP_ELSE, &op);
    if (err == PORCH_OK)
        p->ops[top].mid = p->nops - 1;
    return err;
}

static enum porch_err close_block(struct parser *p, enum op_kind kind)
{
    struct op *op, *open;
    enum porch_err err;

    if (!p->depth || p->ops[p->stack[p->depth - 1]].kind != kind)
        return syntax_error(p, PORCH_E_INVALID, "unbalanced block");
    err = emit(p, OP_END, &op);
    if (err != PORCH_OK)
        return err;
    open = &p->ops[p->stack[--p->depth]];
    open->end = p->nops - 1;
    if (!open->mid)
        open->mid = open->end;
    return PORCH_OK;
}

static bool starts(const char *s, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - s) >= n && memcmp(s, prefix, n) == 0;
}

static bool is_word(const char *s, const char *end, const char *word)
{
    return (size_t)(end - s) == strlen(word) && starts(s, end, word);
}

/* Compiles the inside of one {{…}} tag, already trimmed. */
static enum porch_err compile_tag(struct parser *p, const char *s, const char *end)
{
    if (s == end)
        return syntax_error(p, PORCH_E_INVALID, "empty tag");
    if (*s == '!')
        return PORCH_OK;
    if (starts(s, end, "#if "))
        return open_block(p, OP_IF, s + 4, end);
    if (starts(s, end, "#each "))
        return open_block(p, OP_EACH, s + 6, end);
    if (is_word(s, end, "else"))
        return emit_else(p);
    if (is_word(s, end, "/if"))
        return close_block(p, OP_IF);
    if (is_word(s, end, "/each"))
        return close_block(p, OP_EACH);
    if (starts(s, end, "raw "))
        return emit_named(p, OP_RAW, s + 4, end);
    if (starts(s, end, "t "))
        return emit_t(p, s + 2, end);
    if (*s == '>')
        return emit_named(p, OP_PARTIAL, s + 1, end);
    if (*s == '#' || *s == '/')
        return syntax_error(p, PORCH_E_INVALID, "unknown block");
    if (is_word(s, end, "raw") || is_word(s, end, "t"))
        return syntax_error(p, PORCH_E_INVALID, "keyword without argument");
    return emit_named(p, OP_VAR, s, end);
}

static const char *find_str(const char *s, const char *end, const char *needle)
{
    size_t n = strlen(needle);

    for (; (size_t)(end - s) >= n; s++) {
        if (memcmp(s, needle, n) == 0)
            return s;
    }
    return NULL;
}

/* Parses the tag at p->pos ("{{" or "{{{") and moves past it. */
static enum porch_err parse_tag(struct parser *p)
{
    const char *s = p->src + p->pos, *end = p->src + p->len, *close;
    bool triple = (size_t)(end - s) > 2 && s[2] == '{';
    const char *inner = s + (triple ? 3 : 2);

    p->tag = p->pos;
    close = find_str(inner, end, triple ? "}}}" : "}}");
    if (!close)
        return syntax_error(p, PORCH_E_INVALID, "unclosed tag");
    p->pos = (size_t)(close - p->src) + (triple ? 3 : 2);
    while (inner < close && is_space(*inner))
        inner++;
    while (close > inner && is_space(close[-1]))
        close--;
    if (triple)
        return emit_named(p, OP_RAW, inner, close);
    return compile_tag(p, inner, close);
}

static enum porch_err parse(struct parser *p)
{
    enum porch_err err = PORCH_OK;
    struct op *op;

    while (err == PORCH_OK && p->pos < p->len) {
        const char *s = p->src + p->pos, *end = p->src + p->len;
        const char *open = find_str(s, end, "{{");
        size_t n = open ? (size_t)(open - s) : (size_t)(end - s);

        if (n) {
            err = emit(p, OP_TEXT, &op);
            if (err != PORCH_OK)
                break;
            op->text = s;
            op->len = n;
            p->pos += n;
        }
        if (open)
            err = parse_tag(p);
    }
    if (err == PORCH_OK && p->depth) {
        p->tag = p->len;
        err = syntax_error(p, PORCH_E_INVALID, "block not closed");
    }
    return err;
}

enum porch_err tmpl_lib_add(struct tmpl_lib *lib, const char *name, const char *src, size_t len,
                            struct porch_error *e)
{
    enum porch_err err;
    struct parser p = {0};
    char *copy = NULL;
    struct tmpl *t;

    if (find(lib, name))
        return PORCH_ERROR_SET(e, PORCH_E_CONFLICT, "template '%s' already exists", name);
    if (len > TMPL_MAX_SOURCE)
        return PORCH_ERROR_SET(e, PORCH_E_TOO_BIG, "template '%s' too long", name);
    copy = xmalloc(len + 1);
    memcpy(copy, src, len);
    copy[len] = '\0';
    p.src = copy;
    p.len = len;
    p.e = e;
    err = parse(&p);
    if (err != PORCH_OK)
        goto out;
    lib->items = xrealloc(lib->items, (lib->n + 1) * sizeof(*lib->items));
    t = &lib->items[lib->n++];
    t->name = xstrdup(name);
    t->src = copy;
    t->ops = p.ops;
    t->nops = p.nops;
    copy = NULL;
    p.ops = NULL;
    p.nops = 0;
out:
    ops_free(p.ops, p.nops);
    free(copy);
    return err;
}

/* ---- rendering ---- */

enum porch_err tmpl_escape(struct sbuf *out, const char *s, size_t n)
{
    size_t run = 0;
    enum porch_err err = PORCH_OK;

    for (size_t i = 0; i < n && err == PORCH_OK; i++) {
        const char *ref = NULL;
        switch (s[i]) {
        case '&':
            ref = "&amp;";
            break;
        case '<':
            ref = "&lt;";
            break;
        case '>':
            ref = "&gt;";
            break;
        case '"':
            ref = "&quot;";
            break;
        case '\'':
            ref = "&#39;";
            break;
        case '`':
            ref = "&#96;";
            break;
        case '=':
            ref = "&#61;";
            break;
        default:
            continue;
        }
        err = sbuf_add(out, s + run, i - run);
        if (err == PORCH_OK)
            err = sbuf_adds(out, ref);
        run = i + 1;
    }
    if (err == PORCH_OK)
        err = sbuf_add(out, s + run, n - run);
    return err;
}

/* The value a name refers to: ".x" in the current #each item, "." the item, else vars. */
static const json_t *lookup(const struct render *r, const char *name)
{
    const json_t *cur = r->nscope ? r->scope[r->nscope - 1] : NULL;

    if (name[0] != '.')
        return json_object_get(r->d->vars, name);
    if (name[1] == '\0')
        return cur;
    return json_is_object(cur) ? json_object_get(cur, name + 1) : NULL;
}

static bool truthy(const json_t *v)
{
    if (!v)
        return false;
    switch (json_typeof(v)) {
    case JSON_TRUE:
        return true;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_OBJECT:
        return true;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    default:
        return false;
    }
}

static enum porch_err missing(const struct render *r)
{
    return r->d->strict ? PORCH_E_INVALID : PORCH_OK;
}

/* Appends a scalar escaped: strings and integers; anything else is nothing. */
static enum porch_err put_value(struct render *r, const json_t *v)
{
    if (!v)
        return missing(r);
    if (json_is_string(v))
        return tmpl_escape(r->out, json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        return sbuf_addf(r->out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (json_is_boolean(v) || json_is_null(v))
        return PORCH_OK;
    return missing(r);
}

static enum porch_err put_raw(struct render *r, const char *name)
{
    const json_t *v = json_object_get(r->d->raw, name);

    if (!json_is_string(v))
        return missing(r);
    return sbuf_add(r->out, json_string_value(v), json_string_length(v));
}

/* {{t "key" args…}}: the text escaped, {N} replaced by the escaped value of argument N. */
static enum porch_err put_text(struct render *r, const struct op *op)
{
    const char *s = i18n_text(r->d->locale, op->name);
    enum porch_err err = PORCH_OK;

    if (!s)
        return r->d->strict ? PORCH_E_INVALID : tmpl_escape(r->out, op->name, strlen(op->name));
    while (*s && err == PORCH_OK) {
        size_t n = strcspn(s, "{");
        err = tmpl_escape(r->out, s, n);
        s += n;
        if (err != PORCH_OK || !*s)
            break;
        if (s[1] >= '0' && s[1] <= '9' && s[2] == '}') {
            size_t i = (size_t)(s[1] - '0');
            err = i < op->nargs ? put_value(r, lookup(r, op->args[i])) : missing(r);
            s += 3;
        } else {
            err = sbuf_addch(r->out, '{');
            s++;
        }
    }
    return err;
}

static enum porch_err put_partial(struct render *r, const char *name)
{
    const struct tmpl *t = find(r->lib, name);
    enum porch_err err;

    if (!t)
        return PORCH_E_NOT_FOUND;
    if (r->depth == TMPL_MAX_DEPTH)
        return PORCH_E_TOO_BIG;
    r->depth++;
    err = run(r, t, 0, t->nops);
    r->depth--;
    return err;
}

static enum porch_err run_each(struct render *r, const struct tmpl *t, size_t i)
{
    const json_t *list = lookup(r, t->ops[i].name);
    enum porch_err err = PORCH_OK;

    if (!list)
        return missing(r);
    if (!json_is_array(list))
        return r->d->strict ? PORCH_E_INVALID : PORCH_OK;
    if (r->nscope == MAX_SCOPES)
        return PORCH_E_TOO_BIG;
    for (size_t k = 0; k < json_array_size(list) && err == PORCH_OK; k++) {
        r->scope[r->nscope++] = json_array_get(list, k);
        err = run(r, t, i + 1, t->ops[i].end);
        r->nscope--;
    }
    return err;
}

static enum porch_err run_if(struct render *r, const struct tmpl *t, size_t i)
{
    const struct op *op = &t->ops[i];
    const json_t *v = lookup(r, op->name);

    if (!v && r->d->strict && op->name[0] != '.')
        return PORCH_E_INVALID;
    if (truthy(v))
        return run(r, t, i + 1, op->mid);
    return op->mid < op->end ? run(r, t, op->mid + 1, op->end) : PORCH_OK;
}

/* Executes ops [from, to); blocks jump past their OP_END. */
static enum porch_err run(struct render *r, const struct tmpl *t, size_t from, size_t to)
{
    enum porch_err err = PORCH_OK;

    for (size_t i = from; i < to && err == PORCH_OK; i++) {
        const struct op *op = &t->ops[i];
        switch (op->kind) {
        case OP_TEXT:
            err = sbuf_add(r->out, op->text, op->len);
            break;
        case OP_VAR:
            err = put_value(r, lookup(r, op->name));
            break;
        case OP_RAW:
            err = put_raw(r, op->name);
            break;
        case OP_T:
            err = put_text(r, op);
            break;
        case OP_PARTIAL:
            err = put_partial(r, op->name);
            break;
        case OP_IF:
            err = run_if(r, t, i);
            i = op->end;
            break;
        case OP_EACH:
            err = run_each(r, t, i);
            i = op->end;
            break;
        case OP_ELSE:
        case OP_END:
            break;
        }
    }
    return err;
}

enum porch_err tmpl_render(const struct tmpl_lib *lib, const char *name, const struct tmpl_data *d,
                           struct sbuf *out)
{
    struct render r = {.lib = lib, .d = d, .out = out};

    return put_partial(&r, name);
}

/* ---- data ---- */

void tmpl_data_init(struct tmpl_data *d)
{
    d->vars = json_object();
    d->raw = json_object();
    d->locale = NULL;
    d->strict = false;
    if (!d->vars || !d->raw)
        PORCH_BUG("out of memory");
}

void tmpl_data_release(struct tmpl_data *d)
{
    json_decref(d->vars);
    json_decref(d->raw);
    d->vars = d->raw = NULL;
}

static void set_or_del(json_t *obj, const char *name, json_t *v)
{
    if (!v) {
        json_object_del(obj, name);
        return;
    }
    if (json_object_set_new(obj, name, v) != 0)
        PORCH_BUG("cannot set template value '%s'", name);
}

void tmpl_set(struct tmpl_data *d, const char *name, const char *value)
{
    set_or_del(d->vars, name, value ? json_string_nocheck(value) : NULL);
}

void tmpl_set_bool(struct tmpl_data *d, const char *name, bool value)
{
    set_or_del(d->vars, name, json_boolean(value));
}

void tmpl_set_raw(struct tmpl_data *d, const char *name, const char *html)
{
    set_or_del(d->raw, name, html ? json_string_nocheck(html) : NULL);
}

json_t *tmpl_list_add(struct tmpl_data *d, const char *name)
{
    json_t *list = json_object_get(d->vars, name), *item = json_object();

    if (!json_is_array(list)) {
        list = json_array();
        set_or_del(d->vars, name, list);
    }
    if (!item || json_array_append_new(list, item) != 0)
        PORCH_BUG("cannot add to template list '%s'", name);
    return item;
}
