/*
 * calibrate_report: the report of `acdsim calibrate` (docs/calibrate.md):
 * text and JSON on a stream, and the report folder (-o DIR) holding
 * calibrated.yaml, calibration.json, the empirical patience sample files
 * the scenario names, and the charts (handle-time histogram with the
 * fitted densities, Kaplan-Meier patience with its band and the fitted
 * survival, arrivals per interval with the day-to-day band).
 *
 * Reads a finished struct acd_calib (calibrate.h); owns nothing.
 */
#ifndef ACDSIM_CALIBRATE_REPORT_H
#define ACDSIM_CALIBRATE_REPORT_H

#include "calibrate.h"
#include "calllog.h"
#include <stdio.h>

/* Return 0, or -1 on a write error. */
int acd_calib_write_text(FILE *out, const struct acd_calib *c, const struct acd_calllog_stats *st,
                         const char *log_name);
int acd_calib_write_json(FILE *out, const struct acd_calib *c, const struct acd_calllog_stats *st,
                         const char *log_name);
/* The folder dir (existing): every file written under a temporary name
 * and renamed when complete. Returns 0, or -1 after reporting on err. */
int acd_calib_write_dir(const char *dir, const struct acd_calib *c,
                        const struct acd_calllog_stats *st, const char *log_name, FILE *err);

#endif
