/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The three error renderings (DESIGN.md §4): OAuth/Entra JSON on protocol endpoints, the
 * Graph envelope on the management API, and a neutral HTML page on hosted pages. One table
 * maps each enum porch_err to its HTTP status, OAuth error, AADSTS-style code, Graph code and
 * generic message, so handlers never choose status numbers. For every 5xx status the table's
 * generic message replaces the caller's, so store or crypto detail never reaches a client.
 * All functions fill rs (replacing any body) and are thread-safe with distinct requests.
 */
#ifndef PORCH_HTTP_ERRORS_H
#define PORCH_HTTP_ERRORS_H

#include "core/err.h"
#include "http/req.h"

/** The HTTP status the table gives err (PORCH_OK: 200; unknown values: 500). */
unsigned http_error_status(enum porch_err err);

/**
 * Renders an OAuth error: {"error","error_description":"AADSTS<code>: <desc>\r\nTrace ID:
 * …\r\nCorrelation ID: …\r\nTimestamp: …","error_codes":[code],"timestamp","trace_id",
 * "correlation_id","error_uri":"<base>/error?code=<code>"} with Cache-Control: no-store
 * (and Retry-After on 503). error NULL, aadsts 0 or description NULL take the table's value
 * for err. The correlation id is the client-request-id, else a new GUID. Returns err, so a
 * handler can `return http_error_oauth(…)`; the rendered body is what the client sees.
 */
enum porch_err http_error_oauth(struct req *r, struct resp *rs, enum porch_err err,
                                const char *error, unsigned aadsts, const char *description);

/**
 * Renders the Graph envelope {"error":{"code","message","innerError":{"date",
 * "request-id","client-request-id"}}}. code or message NULL take the table's value for err.
 * Returns err.
 */
enum porch_err http_error_graph(struct req *r, struct resp *rs, enum porch_err err,
                                const char *code, const char *message);

/**
 * Renders the Graph envelope with an explicit status, for the answers that have no porch_err
 * of their own (401 InvalidAuthenticationToken). code and message must not be NULL. Returns err.
 */
enum porch_err http_error_graph_status(struct req *r, struct resp *rs, enum porch_err err,
                                       unsigned status, const char *code, const char *message);

/**
 * Renders a small self-contained HTML error page (no external resources) with message
 * (HTML-escaped; NULL takes the table's) and the request id for support. Returns err.
 */
enum porch_err http_error_html(struct req *r, struct resp *rs, enum porch_err err,
                               const char *message);

/**
 * Renders err in the style r->route asks for (R_ERR_GRAPH, R_ERR_HTML, else OAuth JSON,
 * also when r->route is NULL) with the table's code and message. The pipeline calls it when
 * a handler fails without setting a body. The caller adds Allow for PORCH_E_METHOD.
 */
void http_error_render(struct req *r, struct resp *rs, enum porch_err err);

/**
 * Same as http_error_render with the status and message overridden, for the limits the
 * pipeline enforces that have no porch_err of their own (414, 415, 431). message is shown
 * as given even for a 5xx status (it must be generic text).
 */
void http_error_render_status(struct req *r, struct resp *rs, enum porch_err err, unsigned status,
                              const char *message);

/**
 * GET /error?code=N: the page that error_uri in OAuth errors points to. Explains the code
 * in HTML; 400 for a missing or non-numeric code.
 */
enum porch_err http_error_page_get(struct req *r, struct resp *rs);

/** Appends s to sb with & < > " ' replaced by character references (for handlers that build small HTML by hand). */
enum porch_err http_html_escape(struct sbuf *sb, const char *s);

#endif
