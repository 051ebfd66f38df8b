/*
 * acdsim: the library's public API in one header.
 *
 *   scenario_load.h  a scenario from YAML, with located diagnostics (diag.h)
 *   scenario.h       the scenario's types (immutable once loaded), dist.h
 *   sim.h            one replication as an object: step, intervene, snapshot
 *   run.h            replications on threads, and the results they give
 *   stats.h          counts, wait histograms, the metric table, estimates
 *   erlang.h         exact Erlang B / C / A and M/M/c/K figures
 *   staff.h          the staffing search by simulation
 *   roster.h         the cheapest shifts covering a requirement (GLPK)
 *   schedule.h       a shift roster proven by simulation
 *   fit.h            estimators for calibration: MLE fits, Kaplan-Meier
 *
 * Everything else under sim/ (reports, charts, the live view, the command
 * line) is the application built on it.
 */
#ifndef ACDSIM_ACDSIM_H
#define ACDSIM_ACDSIM_H

#include "acdsim/diag.h"
#include "acdsim/dist.h"
#include "acdsim/erlang.h"
#include "acdsim/fit.h"
#include "acdsim/precision.h"
#include "acdsim/ranks.h"
#include "acdsim/roster.h"
#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/scenario_load.h"
#include "acdsim/schedule.h"
#include "acdsim/sim.h"
#include "acdsim/staff.h"
#include "acdsim/stats.h"

#endif
