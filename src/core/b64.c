/* SPDX-License-Identifier: Apache-2.0 */
/* Base64 and base64url codecs that never read or write past the sizes they are given. */
#include <stdint.h>
#include <string.h>

#include "core/b64.h"
#include "core/banned.h"

static const char std_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static size_t encode(const char *alpha, int pad, const void *in, size_t n, char *out,
                     size_t out_size)
{
    const unsigned char *p = in;
    size_t o = 0, need = pad ? ((n + 2) / 3) * 4 : (n / 3) * 4 + ((n % 3) ? (n % 3) + 1 : 0);
    size_t i;

    if (out_size < need + 1) {
        if (out_size)
            out[0] = '\0';
        return 0;
    }
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        out[o++] = alpha[(v >> 6) & 63];
        out[o++] = alpha[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        out[o++] = alpha[(v >> 6) & 63];
        if (pad)
            out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

size_t b64url_encode(const void *in, size_t n, char *out, size_t out_size)
{
    return encode(url_alpha, 0, in, n, out, out_size);
}

size_t b64_encode(const void *in, size_t n, char *out, size_t out_size)
{
    return encode(std_alpha, 1, in, n, out, out_size);
}

static int val(int url, char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

static enum porch_err decode(int url, const char *in, size_t n, unsigned char *out,
                             size_t out_size, size_t *out_len)
{
    size_t o = 0, i, pads = 0;
    uint32_t acc = 0;
    int bits = 0;

    while (n > 0 && in[n - 1] == '=' && pads < 2) {
        n--;
        pads++;
    }
    if (!url && pads && (n + pads) % 4 != 0)
        return PORCH_E_INVALID;
    if (!url && !pads && n % 4 != 0)
        return PORCH_E_INVALID;
    if (n % 4 == 1)
        return PORCH_E_INVALID;
    for (i = 0; i < n; i++) {
        int v = val(url, in[i]);
        if (v < 0)
            return PORCH_E_INVALID;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= out_size)
                return PORCH_E_TOO_BIG;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    /* the leftover bits must be zero (canonical encoding) */
    if (bits && (acc & ((1u << bits) - 1)))
        return PORCH_E_INVALID;
    *out_len = o;
    return PORCH_OK;
}

enum porch_err b64url_decode(const char *in, size_t n, unsigned char *out, size_t out_size,
                             size_t *out_len)
{
    return decode(1, in, n, out, out_size, out_len);
}

enum porch_err b64_decode(const char *in, size_t n, unsigned char *out, size_t out_size,
                          size_t *out_len)
{
    return decode(0, in, n, out, out_size, out_len);
}

int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void hex_encode(const void *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = in;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 15];
    }
    out[2 * n] = '\0';
}
