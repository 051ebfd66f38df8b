/*
 * yamltree: a YAML document as a small tree of scalars, sequences and
 * mappings with their positions, built from libyaml's event API. The one
 * YAML tree of libacdsim: the scenario parser (scenario.c) reads it, and
 * the staffing patcher (scenario_patch.c) uses its byte ranges to rewrite
 * the text. Internal to libacdsim.
 *
 * The tree is bounded in depth, node count and anchors, so hostile input
 * can neither exhaust memory nor blow up through aliases: an alias is a
 * pointer to the anchored node, never a copy (a node may therefore have
 * several parents; walk the tree by schema, not blindly), or with
 * ACD_YTREE_ALIAS_NODES a node of its own that points there. It knows
 * nothing of the scenario schema.
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

/* ACD_Y_ALIAS nodes exist only in a tree built with ACD_YTREE_ALIAS_NODES. */
enum acd_ynode_kind { ACD_Y_SCALAR, ACD_Y_SEQ, ACD_Y_MAP, ACD_Y_ALIAS };

/* acd_ytree_build's flags. */
enum {
    /* An alias is an ACD_Y_ALIAS node with its own position, name (s) and
     * target, instead of the anchored node itself: for a walk that must
     * tell `*x` from the value it names (scenario_patch.c). */
    ACD_YTREE_ALIAS_NODES = 1u << 0,
};

struct acd_ynode {
    enum acd_ynode_kind kind;
    bool is_null;       /* plain `~`, `null` or nothing */
    bool plain;         /* a plain scalar: not quoted, not a block scalar */
    bool flow;          /* a flow collection: [...] or {...} */
    unsigned line, col; /* 1-based; col counts characters */
    /* Byte offsets of the node's text, [start, end): from libyaml's marks,
     * so a block collection ends where the next token starts (after the
     * blank lines and comments that follow it). Past a UTF-8 byte-order
     * mark; for a UTF-16 document they count characters, not bytes. */
    size_t start, end;
    char *s; /* scalar text, or an alias's anchor name; NUL-terminated (may hold an escaped NUL:
                see len) */
    size_t len;
    struct acd_ynode *target; /* ACD_Y_ALIAS: the anchored node (never an alias) */
    struct acd_ynode **kids;  /* sequence items, or mapping key, value, key, value... */
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

/* Parse `text` (len bytes) into a zero-initialised *t; flags: 0 or
 * ACD_YTREE_ALIAS_NODES. Returns 0, or -1 with the problem in *e (the tree
 * is then freed already): a syntax error, a second document, an undefined
 * alias, or a limit above exceeded. Borrows text (the tree keeps copies).
 * Aborts on OOM (acd_oom). */
int acd_ytree_build(struct acd_ytree *t, const char *text, size_t len, unsigned flags,
                    struct acd_yerror *e);
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
