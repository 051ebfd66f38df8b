/* cli_erlang: placeholder until the module lands. */
typedef int acd_placeholder_cli_erlang;
