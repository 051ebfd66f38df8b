/*
 * field: a named double inside a struct, for tables of fields read or
 * written by key (the Erlang figures in results.json, the targets of a
 * setup). Plain data; nothing to free.
 */
#ifndef ACDSIM_FIELD_H
#define ACDSIM_FIELD_H

#include <stddef.h>

struct acd_field {
    const char *key;
    size_t offset; /* offsetof the double in its struct */
};

#endif
