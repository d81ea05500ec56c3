/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "oidc/signin_record.h"
#include "oidc/user_token.h"
#include "core/log.h"
#include "db/db.h"
#include "directory/graph_api.h"
#include "http/req.h"
#include "store/signin_log.h"
#include "store/user.h"
#include "core/banned.h"

void signin_record(struct req *r, struct db_conn *c, const struct signin_record *rec)
{
    struct signin_log l;
    const struct user_row *u = rec->user;
    const char *ua = req_header(r, "User-Agent");
    enum porch_err err;

    memset(&l, 0, sizeof(l));
    if (!rec->tenant_id || strlen(rec->tenant_id) >= sizeof(l.tenant_id))
        return;
    memcpy(l.tenant_id, rec->tenant_id, strlen(rec->tenant_id) + 1);
    l.user_id = u ? u->id : rec->user_id;
    l.user_display_name = u ? u->display_name : NULL;
    l.user_principal_name = u ? user_token_username(u) : rec->sign_in_name;
    l.app_id = rec->app_id;
    l.app_display_name = rec->app_name;
    l.ip_address = r->client_ip;
    l.client_app_used = rec->interactive ? "Browser" : "Mobile Apps and Desktop clients";
    l.correlation_id = r->client_request_id ? r->client_request_id : r->request_id;
    l.resource_id = rec->resource_id;
    l.resource_display_name =
        rec->resource_id && strcmp(rec->resource_id, GRAPH_APP_ID) == 0 ? "Microsoft Graph"
                                                                        : NULL;
    l.failure_reason = rec->error_code ? rec->failure_reason : "Other.";
    l.user_agent = ua;
    l.is_interactive = rec->interactive;
    l.error_code = rec->error_code;
    err = store_signin_log_insert(c, &l);
    if (err != PORCH_OK)
        log_warn("could not record a sign-in: %s", porch_err_str(err));
}
