/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loads the embedded page templates (gen/ui_templates.h, made by scripts/embed-files.cmake)
 * and renders a page in two passes: the page body first, then the layout around it, which
 * takes the body through {{raw content}}. That is the one raw insertion of the hosted pages,
 * and what it inserts is our own rendered template.
 */
#include <pthread.h>
#include <string.h>

#include "core/err.h"
#include "core/sbuf.h"
#include "http/req.h"
#include "ui/i18n.h"
#include "ui/pages.h"
#include "ui/tmpl.h"
#include "ui_templates.h"
#include "core/banned.h"

/* The title key of each page; pages not listed use "<page>.title". */
static const struct {
    const char *page, *title_key;
} titles[] = {
    {"signin_email", "signin.title"},
    {"signin_password", "signin.title"},
};

struct tmpl_lib *pages_load(void)
{
    struct tmpl_lib *lib = tmpl_lib_new();
    struct porch_error e = {0};

    for (size_t i = 0; i < ui_templates_count; i++) {
        const char *text = ui_templates[i].text;
        if (tmpl_lib_add(lib, ui_templates[i].name, text, strlen(text), &e) != PORCH_OK)
            PORCH_BUG("template '%s': %s", ui_templates[i].name, e.msg);
    }
    if (!tmpl_lib_has(lib, "layout"))
        PORCH_BUG("no layout template");
    return lib;
}

static const char *title_key(const char *page, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
        if (strcmp(titles[i].page, page) == 0)
            return titles[i].title_key;
    }
    if (strlen(page) + sizeof(".title") > size)
        return NULL;
    memcpy(buf, page, strlen(page));
    memcpy(buf + strlen(page), ".title", sizeof(".title"));
    return buf;
}

enum porch_err pages_render(const struct tmpl_lib *lib, const char *page, struct tmpl_data *d,
                            struct sbuf *out)
{
    enum porch_err err;
    struct sbuf body;
    char buf[TMPL_MAX_NAME + 8];
    const char *key = title_key(page, buf, sizeof(buf));

    sbuf_init(&body, out->max);
    if (!json_object_get(d->vars, "title") && key)
        tmpl_set(d, "title", i18n_text(d->locale, key));
    tmpl_set(d, "lang", d->locale ? d->locale : I18N_DEFAULT);
    err = tmpl_render(lib, page, d, &body);
    if (err != PORCH_OK)
        goto out;
    tmpl_set_raw(d, "content", body.buf);
    err = tmpl_render(lib, "layout", d, out);
out:
    sbuf_release(&body);
    return err;
}

static struct tmpl_lib *shared;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void shared_load(void)
{
    shared = pages_load();
}

const struct tmpl_lib *pages_shared(void)
{
    pthread_once(&shared_once, shared_load);
    return shared;
}

/* The hosted pages' policy: our own styles only, no script, forms to us (and the app). */
#define PAGE_CSP                                                                                   \
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "                      \
    "frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"

enum porch_err pages_respond(struct req *r, struct resp *rs, unsigned status, const char *page,
                             struct tmpl_data *d, const char *form_origin)
{
    struct sbuf out;
    enum porch_err err;

    sbuf_init(&out, 256 * 1024);
    err = pages_render(pages_shared(), page, d, &out);
    if (err == PORCH_OK)
        err = resp_body(rs, status, "text/html; charset=utf-8", out.buf, out.len);
    sbuf_release(&out);
    if (err != PORCH_OK)
        return err;
    /* a form post answered by a redirect to the app must be allowed by form-action */
    resp_header_set(rs, "Content-Security-Policy",
                    form_origin && strpbrk(form_origin, " ;'\"\r\n") == NULL
                        ? arena_printf(r->arena, PAGE_CSP " %s", form_origin)
                        : PAGE_CSP);
    resp_header_set(rs, "Cache-Control", "no-store");
    return PORCH_OK;
}
