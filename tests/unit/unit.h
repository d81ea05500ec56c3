/* SPDX-License-Identifier: Apache-2.0 */
/* What every cmocka test file includes first. */
#ifndef PORCH_UNIT_H
#define PORCH_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
