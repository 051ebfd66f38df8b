/*
 * A program built against the installed library only (<acdsim/acdsim.h>,
 * pkg-config acdsim): the built-in scenario, three replications, the
 * center's service level. tests/cli/test_install.py builds and runs it.
 */
#include <acdsim/acdsim.h>
#include <stdio.h>

int
main(void)
{
    struct acd_diags d;
    struct acd_scenario *sc;
    acd_diags_init(&d);
    if (acd_scenario_load_string(ACD_DEFAULT_SCENARIO_NAME, NULL, acd_default_scenario_text,
                                 acd_default_scenario_len, &sc, &d) != 0) {
        acd_diags_print(&d, stderr);
        return 2;
    }
    struct acd_run_opts o = {.replications = 3, .threads = 1};
    struct acd_results *r = acd_run(sc, &o);
    printf("%s: service level %.3f\n", r->setup.name, r->summary.metric[ACD_M_SERVICE_LEVEL].mean);
    acd_results_free(r);
    acd_scenario_free(sc);
    acd_diags_fini(&d);
    return 0;
}
