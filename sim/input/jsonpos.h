/*
 * jsonpos: the line and column of a value in a JSON document's text, for
 * located diagnostics about a tree parsed by a library that keeps no
 * positions (jansson). A value is named by its path from the root
 * (summary.asa_s.mean, intervals[3]); the text is walked along that path
 * when a diagnostic needs it: rare, and cheap.
 *
 * Not a parser or a validator: it works on any text (valid JSON gives the
 * exact place, anything else a plausible one) and never fails. Knows
 * nothing of what the document means (results_read.c).
 */
#ifndef ACDSIM_JSONPOS_H
#define ACDSIM_JSONPOS_H

#include <stdbool.h>
#include <stddef.h>

/* Deepest path the functions below take (a deeper one is a bug: assert). */
#define ACD_JSONPOS_MAX_DEPTH 16

/* Where a value is in the document: a chain from the value up to a member
 * of the root; a NULL path is the root itself. Links live on the caller's
 * stack, each borrowing the one above and its key. */
struct acd_jsonpos_path {
    const struct acd_jsonpos_path *up;
    const char *key; /* member name, or NULL for an array element */
    size_t index;    /* the element's index when key is NULL */
};

/* The member `key` of the object at up, and the element `index` of the
 * array at up (up may be NULL: the root). Borrow up and key. */
struct acd_jsonpos_path acd_jsonpos_key(const struct acd_jsonpos_path *up, const char *key);
struct acd_jsonpos_path acd_jsonpos_index(const struct acd_jsonpos_path *up, size_t index);

/* The path as people read it, "intervals[3].call_types.billing.asa_s" (""
 * for the root): new string, caller frees. */
char *acd_jsonpos_path_text(const struct acd_jsonpos_path *p);

/* The 1-based line and column (in characters: UTF-8 sequences, as
 * jansson counts) in text[0..len) where the value at path p starts, or,
 * with at_name, where its member name starts. If the text does not have
 * it (a missing key, a short array), where the innermost container on the
 * way that exists starts. Member names are compared with their escapes
 * decoded. Borrows everything. */
void acd_jsonpos_locate(const char *text, size_t len, const struct acd_jsonpos_path *p,
                        bool at_name, unsigned *line, unsigned *col);

/* If text[0..len) is an object with a member `key` at the top level,
 * true and *at = the offset where that member's value starts; false if
 * not, or if the text is not well-formed up to it. */
bool acd_jsonpos_member(const char *text, size_t len, const char *key, size_t *at);

#endif
