#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "common/date.h"

int
cli_error (const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    fputs ("shanhai: ", stderr);
    vfprintf (stderr, fmt, args);
    fputc ('\n', stderr);
    va_end (args);
    return 1;
}

int
cli_usage (const char *usage, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    fputs ("shanhai: ", stderr);
    vfprintf (stderr, fmt, args);
    fprintf (stderr, " (usage: %s)\n", usage);
    va_end (args);
    return 2;
}

int
cli_bad_option (const char *usage, const char *command, char **argv)
{
    return cli_usage (usage, "%s: unknown or incomplete option '%s'", command, argv[optind - 1]);
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
