/* SPDX-License-Identifier: Apache-2.0 */
/* getrandom(2) with retry on EINTR; failure is fatal because nothing safe can follow it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "core/rand.h"
#include "core/b64.h"
#include "core/banned.h"

void rand_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "fatal: getrandom failed\n");
            abort();
        }
        p += got;
        n -= (size_t)got;
    }
}

void rand_token(char *out, size_t out_size, size_t nbytes)
{
    unsigned char buf[128];
    if (nbytes > sizeof(buf))
        nbytes = sizeof(buf);
    rand_bytes(buf, nbytes);
    b64url_encode(buf, nbytes, out, out_size);
}
