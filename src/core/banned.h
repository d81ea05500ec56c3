/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Functions that are easy to misuse are made compile errors, as git's banned.h does.
 * Include this last in every .c file of the project (after system headers).
 */
#ifndef PORCH_BANNED_H
#define PORCH_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_porch

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)
#undef ctime
#define ctime(x) BANNED(ctime)
#undef rand
#define rand() BANNED(rand)

#endif
