/*
 * escape: names as data in text for people. A name (a call type, an agent
 * group, a scenario, a file) may hold any character its source allowed;
 * before it reaches a terminal, every control character becomes a visible
 * escape, so an ESC or BEL never drives the terminal and a newline never
 * splits a line of a table or a diagnostic:
 *
 *   newline "\n", carriage return "\r", tab "\t", any other C0 control
 *   and DEL "\xHH" (ESC is "\x1b"), a C1 control in UTF-8 (U+0080 to
 *   U+009F, bytes C2 80 to C2 9F) "\u0080" to "\u009f".
 *
 * Everything else, backslashes included, is copied as is: the escape is
 * for reading, not for parsing back. Machine formats have their own rules
 * (CSV: report/csv.h, JSON: jansson, gnuplot: plot.h), XML (JUnit) its
 * writer below.
 */
#ifndef ACDSIM_ESCAPE_H
#define ACDSIM_ESCAPE_H

#include <stdbool.h>
#include <stdio.h>

/* Whether s (NULL: no) holds a character the escape rewrites. */
bool acd_escape_needed(const char *s);

/* s escaped, to out (NULL writes nothing). */
void acd_escape_fputs(const char *s, FILE *out);

/* s escaped, as a new string (NULL gives ""); caller frees. */
char *acd_escape_xstrdup(const char *s);

/* s as XML 1.0 attribute or element text, to out (NULL writes nothing):
 * & < > " ' as entities, newline, carriage return and tab as character
 * references (kept in attributes), any other control character as its
 * visible escape above (XML 1.0 allows no reference to it), likewise
 * U+FFFE and U+FFFF, and a byte that is not valid UTF-8 as "\xHH": the
 * output is always well-formed. */
void acd_escape_xml_fputs(const char *s, FILE *out);

#endif
