/*  cli.h: what the `shanhai` command's subcommands share.

    Each subcommand is a function `int cmd_<name> (cli_t *cli, int argc, char **argv)` in its
    own file cli/cmd_<name>.c, with argv[0] the subcommand's name. It parses its own options
    (getopt_long, with optind reset by the caller), calls the services through cli_call, prints
    a table for people or, with --json, one JSON document (jansson) on stdout, and returns the
    exit status: 0 done, 1 the service refused or failed, 2 bad usage. Every error is one line
    on stderr, "shanhai: <reason>", printed through cli_error or cli_usage. */
#ifndef SHANHAI_CLI_H
#define SHANHAI_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include "common/config.h"
#include "common/proto.h"
#include "common/rpc.h"

typedef struct {
    config_t config;
} cli_t;

// Prints "shanhai: <reason>" on stderr and returns 1.
int cli_error (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
// Prints "shanhai: <reason> (usage: <usage>)", one line, on stderr and returns 2.
int cli_usage (const char *usage, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
// For getopt_long's '?': names the option it could not take (unknown, or missing its value)
// through cli_usage, and returns 2.
int cli_bad_option (const char *usage, const char *command, char **argv);
// Calls method at endpoint with request; on OK stores the decoded reply in *reply_out (the
// caller frees it with protobuf_c_message_free_unpacked) and returns 0. Otherwise prints
// "shanhai: <method>: <STATUS>: <error>" and returns 1.
int cli_call (const char *endpoint, const char *method, const ProtobufCMessage *request,
              const ProtobufCMessageDescriptor *reply_descriptor, ProtobufCMessage **reply_out);
// Prints a JSON value (compact keys order kept, UTF-8 as is) and a newline on stdout, and
// releases it. Returns 0, or 1 if it could not be printed.
int cli_print_json (json_t *value);
// Parses a --year value: a whole number in DATE_YEAR_MIN..DATE_YEAR_MAX. Returns 0 or -1.
int cli_parse_year (const char *text, int *year);

int cmd_registry (cli_t *cli, int argc, char **argv);  // cli/cmd_registry.c
int cmd_pairs (cli_t *cli, int argc, char **argv);     // cli/cmd_pairs.c
int cmd_people (cli_t *cli, int argc, char **argv);    // cli/cmd_people.c
int cmd_clock (cli_t *cli, int argc, char **argv);     // cli/cmd_clock.c
int cmd_record (cli_t *cli, int argc, char **argv);    // cli/cmd_record.c
int cmd_status (cli_t *cli, int argc, char **argv);    // cli/cmd_status.c
int cmd_alerts (cli_t *cli, int argc, char **argv);    // cli/cmd_alerts.c

#endif
