/*
 * yamltree: a YAML document as a small tree of scalars, sequences and
 * mappings with their positions, built from libyaml's event API for the
 * scenario parser (scenario.c). Internal to libacdsim.
 *
 * The tree is bounded in depth, node count and anchors, so hostile input
 * can neither exhaust memory nor blow up through aliases: an alias is a
 * pointer to the anchored node, never a copy (a node may therefore have
 * several parents; walk the tree by schema, not blindly). It knows nothing
 * of the scenario schema.
 */
#ifndef ACDSIM_YAMLTREE_H
#define ACDSIM_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

enum {
    ACD_YTREE_MAX_DEPTH = 64,
    ACD_YTREE_MAX_NODES = 1000000, /* nodes plus alias references */
    ACD_YTREE_MAX_ANCHORS = 256,
    ACD_YTREE_SHOW = 40, /* user text quoted in messages is cut after this many bytes */
};

enum acd_ynode_kind { ACD_Y_SCALAR, ACD_Y_SEQ, ACD_Y_MAP };

struct acd_ynode {
    enum acd_ynode_kind kind;
    bool is_null; /* plain `~`, `null` or nothing */
    unsigned line, col;
    char *s; /* scalar text, NUL-terminated (may hold an escaped NUL: see len) */
    size_t len;
    struct acd_ynode **kids; /* sequence items, or mapping key, value, key, value... */
    size_t n, cap;
};

struct acd_ytree_chunk;
struct acd_ytree_anchor;

struct acd_ytree {
    struct acd_ytree_chunk *chunks; /* node storage, so aliases are freed once */
    size_t n_items;
    struct acd_ytree_anchor *anchors;
    size_t n_anchors, cap_anchors;
    struct acd_ynode *root; /* NULL for an empty stream */
};

/* The first problem found, located (1-based line and column). */
struct acd_yerror {
    unsigned line, col;
    char *msg; /* owned; free() it */
};

/* Parse `text` (len bytes) into a zero-initialised *t. Returns 0, or -1 with
 * the problem in *e (the tree is then freed already). Aborts on OOM. */
int acd_ytree_build(struct acd_ytree *t, const char *text, size_t len, struct acd_yerror *e);
/* Free every node; t may be reused after. */
void acd_ytree_free(struct acd_ytree *t);

/* User text for a message: cut, with control characters replaced, so a
 * diagnostic is always one short line. Returned by value so calls nest in
 * an argument list (C11 temporary lifetime). */
struct acd_yshown {
    char s[ACD_YTREE_SHOW + 16];
};

struct acd_yshown acd_ytree_show(const char *s);
/* What a value is, for "(found ...)": 'text', a list, a mapping, nothing. */
struct acd_yshown acd_ytree_found(const struct acd_ynode *v);

#endif
