/* expect: placeholder until the module lands. */
typedef int acd_placeholder_expect;
