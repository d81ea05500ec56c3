/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Email address syntax, as the directory accepts it in identities, mail and otherMails:
 * local@domain with a dot-atom local part (RFC 5322 atext, or UTF-8 per RFC 6531; quoted local
 * parts and IP-literal domains are refused), local part at most 64 bytes, domain at most 253,
 * the whole at most 254 (RFC 5321 path limit), no spaces or control characters, and a domain
 * of at least two DNS labels (1..63 bytes of letters, digits, hyphens or UTF-8, no hyphen at
 * either end, a top-level label that is not all digits).
 */
#ifndef PORCH_EMAIL_H
#define PORCH_EMAIL_H

#include <stdbool.h>

/** True when addr is an acceptable email address (see above). Thread-safe. */
bool email_valid(const char *addr);

#endif
