/*
 * route: routing policies as a table of named entries (tmux cmd_entry
 * style). A policy answers two questions: which idle agent takes an arriving
 * call, and which waiting call an agent who becomes free takes. Adding a
 * policy is one new entry in route.c.
 */
#ifndef ACDSIM_ROUTE_H
#define ACDSIM_ROUTE_H

#include "model.h"

struct acd_route_policy {
    const char *name;
    const char *summary;
    /* An idle agent able to take a call of type k, or ACD_NONE. Does not
     * change state: the caller takes the agent off the idle list. */
    uint32_t (*pick_agent)(const struct acd_sim *s, uint32_t k);
    /* The waiting call agent a (of group g) takes next, or ACD_NONE. Does
     * not change state. */
    uint32_t (*pick_call)(const struct acd_sim *s, uint32_t a);
};

/* NULL-terminated table. */
extern const struct acd_route_policy *const acd_route_policies[];
const struct acd_route_policy *acd_route_find(const char *name);

#endif
