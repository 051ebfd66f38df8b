/*
 * compare_format: the output formats of `acdsim compare` (-f), as a table of
 * named writers (compare_text.c, compare_data.c). Kept apart from
 * compare.c, which computes the differences the writers read.
 */
#include "compare.h"

#include <stddef.h>

const struct acd_cmp_format *const acd_cmp_formats[] = {
    &(const struct acd_cmp_format){"text", acd_compare_write_text},
    &(const struct acd_cmp_format){"json", acd_compare_write_json},
    &(const struct acd_cmp_format){"csv", acd_compare_write_csv},
    NULL,
};
