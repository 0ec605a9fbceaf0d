/*  cli.h: what the `shanhai` command's subcommands share.

    Each subcommand is a function `int cmd_<name> (cli_t *cli, int argc, char **argv)` in its
    own file cli/cmd_<name>.c, with argv[0] the subcommand's name. It parses its own options
    (cli_option_next, with optind reset by the caller), calls the services through cli_call, prints
    a table for people or, with --json, one JSON document (jansson) on stdout, and returns the
    exit status: 0 done, 1 the service refused or failed, 2 bad usage. Every error is one line
    of printable text on stderr, "shanhai: <reason>", printed through cli_error or cli_usage,
    which escape whatever would break the line or act on the terminal (validate_escape): a
    newline or an ESC in what the user typed or in a service's error is shown as \x0a, \x1b.

    Options are read with cli_option_next, getopt_long's loop with one rule added for every
    subcommand: an option given twice is refused, naming it (`--pair hb-01 --pair hb-02` would
    otherwise quietly mean hb-02). */
#ifndef SHANHAI_CLI_H
#define SHANHAI_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/config.h"
#include "common/proto.h"
#include "common/rpc.h"

typedef struct {
    config_t config;
} cli_t;

// The exit statuses of a subcommand besides 0.
#define CLI_EXIT_FAILED 1
#define CLI_EXIT_USAGE 2

// Prints "shanhai: <reason>", one printable line, on stderr and returns CLI_EXIT_FAILED.
int cli_error (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
// Prints "shanhai: <reason> (usage: <usage>)", one printable line, on stderr and returns
// CLI_EXIT_USAGE.
int cli_usage (const char *usage, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

// The options a subcommand takes, for cli_option_next. Set the first three, and seen to 0.
typedef struct {
    const char *command;           // "record": names the subcommand in errors
    const char *usage;             // its usage line, for errors
    const struct option *options;  // getopt_long's table, ended by a zero row; no val is '?'
    uint64_t seen;                 // bit i: options[i] was given
} cli_options_t;

// What cli_option_next returns for an option it refused.
#define CLI_OPTION_REFUSED '?'
// The next option of argv, as getopt_long returns it: the option's val, or -1 after the last
// (optind then indexes the first operand). An unknown option, one missing its value, and one
// given a second time (under any spelling getopt_long takes: --pair, --pa, --pair=) are said
// in one line through cli_usage, naming the option, and return CLI_OPTION_REFUSED: the caller
// then returns CLI_EXIT_USAGE.
int cli_option_next (cli_options_t *self, int argc, char **argv);
// Calls method at endpoint with request; on OK stores the decoded reply in *reply_out (the
// caller frees it with protobuf_c_message_free_unpacked) and returns 0. Otherwise prints
// "shanhai: <method>: <STATUS>: <error>" (a NOT_FOUND as the service words it: "shanhai:
// registry.ListPairings: NOT_FOUND: program nope is not in the registry") and returns 1.
int cli_call (const char *endpoint, const char *method, const ProtobufCMessage *request,
              const ProtobufCMessageDescriptor *reply_descriptor, ProtobufCMessage **reply_out);
// Prints a JSON value (compact keys order kept, UTF-8 as is) and a newline on stdout, and
// releases it. Returns 0, or 1 if it could not be printed.
int cli_print_json (json_t *value);
// Parses a --year value: a whole number in DATE_YEAR_MIN..DATE_YEAR_MAX. Returns 0 or -1.
int cli_parse_year (const char *text, int *year);
// A policy pack's version: a whole number 1..INT32_MAX. Returns 0 with *version, or -1.
int cli_parse_version (const char *text, uint32_t *version);

int cmd_registry (cli_t *cli, int argc, char **argv);  // cli/cmd_registry.c
int cmd_pairs (cli_t *cli, int argc, char **argv);     // cli/cmd_pairs.c
int cmd_people (cli_t *cli, int argc, char **argv);    // cli/cmd_people.c
int cmd_clock (cli_t *cli, int argc, char **argv);     // cli/cmd_clock.c
int cmd_record (cli_t *cli, int argc, char **argv);    // cli/cmd_record.c
int cmd_status (cli_t *cli, int argc, char **argv);    // cli/cmd_status.c
int cmd_alerts (cli_t *cli, int argc, char **argv);    // cli/cmd_alerts.c
int cmd_scoreboard (cli_t *cli, int argc, char **argv);  // cli/cmd_scoreboard.c
int cmd_explain (cli_t *cli, int argc, char **argv);     // cli/cmd_explain.c
int cmd_deliveries (cli_t *cli, int argc, char **argv);  // cli/cmd_deliveries.c
int cmd_health (cli_t *cli, int argc, char **argv);      // cli/cmd_health.c
int cmd_ledger (cli_t *cli, int argc, char **argv);    // cli/cmd_ledger.c
int cmd_totals (cli_t *cli, int argc, char **argv);    // cli/cmd_totals.c
int cmd_import (cli_t *cli, int argc, char **argv);    // cli/cmd_import.c
int cmd_export (cli_t *cli, int argc, char **argv);
int cmd_policy (cli_t *cli, int argc, char **argv);    // cli/cmd_policy.c
// Every verdict of program in year recomputed under version of its pack (cli/cmd_policy.c):
// printed as a table, or as status --program's JSON. Returns the exit code.
int policy_status_as_of (cli_t *cli, const char *program, int year, uint32_t version,
                         bool as_json);    // cli/cmd_export.c

#endif
