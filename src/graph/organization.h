/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The organization resource: the caller's tenant as Graph's organization object. Reads need
 * Organization.Read.All, updates Organization.ReadWrite.All.
 */
#ifndef PORCH_GRAPH_ORGANIZATION_H
#define PORCH_GRAPH_ORGANIZATION_H

#include "core/err.h"

struct req;
struct resp;

/* GET /v1.0/organization: a collection holding exactly the caller's tenant */
enum porch_err graph_organization_list(struct req *r, struct resp *rs);
/* GET /v1.0/organization/{id}: another tenant's id answers 404 */
enum porch_err graph_organization_get(struct req *r, struct resp *rs);
/* PATCH /v1.0/organization/{id}: 204, audited "Update organization" */
enum porch_err graph_organization_patch(struct req *r, struct resp *rs);

#endif
