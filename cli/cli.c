#define _GNU_SOURCE  // vasprintf, asprintf: a message of any length
#include "cli.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/validate.h"

// Prints "shanhai: <what fmt says>[ (usage: <usage>)]" on stderr as one printable line.
static void s_say (const char *usage, const char *fmt, va_list args)
    __attribute__ ((format (printf, 2, 0)));

static void
s_say (const char *usage, const char *fmt, va_list args)
{
    char *reason = NULL, *line = NULL, *escaped = NULL;
    if (vasprintf (&reason, fmt, args) < 0)
        reason = NULL;
    else if ((usage ? asprintf (&line, "%s (usage: %s)", reason, usage)
                    : asprintf (&line, "%s", reason)) < 0)
        line = NULL;
    size_t size = line ? VALIDATE_ESCAPED_BYTES (strlen (line)) : 0;
    if (line && (escaped = malloc (size)))
        validate_escape (line, escaped, size);
    fprintf (stderr, "shanhai: %s\n", escaped ? escaped : "out of memory");
    free (escaped);
    free (line);
    free (reason);
}

int
cli_error (const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    s_say (NULL, fmt, args);
    va_end (args);
    return CLI_EXIT_FAILED;
}

int
cli_usage (const char *usage, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    s_say (usage, fmt, args);
    va_end (args);
    return CLI_EXIT_USAGE;
}

int
cli_option_next (cli_options_t *self, int argc, char **argv)
{
    assert (self && self->command && self->usage && self->options);
    opterr = 0;  // getopt_long's own message would be a second line
    int index = -1;
    int option = getopt_long (argc, argv, "", self->options, &index);
    if (option == -1)
        return -1;
    if (option == '?' || option == ':' || index < 0) {
        cli_usage (self->usage, "%s: unknown or incomplete option '%s'", self->command,
                   argv[optind - 1]);
        return CLI_OPTION_REFUSED;
    }
    assert (index < 64 && self->options[index].val != CLI_OPTION_REFUSED);
    uint64_t bit = UINT64_C (1) << index;
    if (self->seen & bit) {
        cli_usage (self->usage, "%s: --%s is given twice", self->command,
                   self->options[index].name);
        return CLI_OPTION_REFUSED;
    }
    self->seen |= bit;
    return option;
}

int
cli_call (const char *endpoint, const char *method, const ProtobufCMessage *request,
          const ProtobufCMessageDescriptor *reply_descriptor, ProtobufCMessage **reply_out)
{
    rpc_client_t *client = rpc_client_new (endpoint, RPC_TIMEOUT_MS);
    if (!client)
        return cli_error ("%s: cannot connect to %s", method, endpoint);
    rpc_status_t status = rpc_client_call (client, method, request, reply_descriptor, reply_out);
    int rc = 0;
    if (status != RPC_OK) {
        if (status == RPC_UNAVAILABLE)
            rc = cli_error ("%s: UNAVAILABLE: %s (is the service running? see `make run`)",
                            method, rpc_client_error (client));
        else
            rc = cli_error ("%s: %s: %s", method, rpc_status_name (status),
                            rpc_client_error (client));
    }
    rpc_client_destroy (&client);
    return rc;
}

int
cli_print_json (json_t *value)
{
    if (!value)
        return cli_error ("out of memory");
    int rc = json_dumpf (value, stdout, JSON_PRESERVE_ORDER | JSON_INDENT (2));
    json_decref (value);
    if (rc != 0)
        return cli_error ("cannot write the JSON output");
    fputc ('\n', stdout);
    fflush (stdout);
    return 0;
}

int
cli_parse_version (const char *text, uint32_t *version)
{
    char *end = NULL;
    errno = 0;
    long value = text ? strtol (text, &end, 10) : 0;
    if (!text || !*text || *end != '\0' || errno || value < 1 || value > INT32_MAX)
        return -1;
    *version = (uint32_t) value;
    return 0;
}

int
cli_parse_year (const char *text, int *year)
{
    char *end = NULL;
    errno = 0;
    long value = text ? strtol (text, &end, 10) : 0;
    if (!text || !*text || *end != '\0' || errno || !date_year_is_valid ((int) value)
        || value != (int) value)
        return -1;
    *year = (int) value;
    return 0;
}
