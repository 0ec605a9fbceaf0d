/*  shanhai import FILE [--format ndjson|csv]

    Records the events of FILE, one a line (NDJSON: the one JSON shape of common/event_json.h,
    as export writes it; CSV: a header of those keys, cli/event_csv.h), streaming it in
    batches of LEDGER_BATCH_EVENTS_MAX through ledger.RecordBatch. The format is the file's
    extension's (.csv) unless --format says.

    Safe to interrupt and to run again: every event has an id (a row without one gets
    "imp-" and a hash of its line number and text, the same on every run), and the ledger
    records an id once, so a rerun records only what is missing. What the ledger filled in
    (seq, program, recorded_at, registry_version) is read and dropped: the ledger fills it in
    again.

    A batch the ledger refuses names its first bad event: that row is rejected (its line and
    the reason on stderr at once) and the rest of the batch is sent again, so that one bad row
    costs only itself (and the rows that refer to it). Progress: a bar on a terminal (rows,
    rate, ETA from the bytes read), plain lines otherwise. At the end a summary; the exit
    status is 0 when every row was recorded (or was already), 1 when any was rejected or the
    ledger could not be reached (what was sent before is recorded; run again), 130 when
    interrupted. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <czmq.h>
#include "cli.h"
#include "common/event_json.h"
#include "common/limits.h"
#include "common/validate.h"
#include "event_csv.h"

static const char *s_usage = "shanhai import FILE [--format ndjson|csv]";

// The exit status of an interrupted import: the shell's for SIGINT.
#define S_EXIT_INTERRUPTED 130

static volatile sig_atomic_t s_stop;

static void
s_on_signal (int signal_number)
{
    (void) signal_number;
    s_stop = 1;
}

typedef struct {
    const char *path;
    FILE *file;
    bool csv;
    event_csv_t *header;
    rpc_client_t *client;
    bool tty;                        // stderr is a terminal: the bar
    long long file_bytes, read_bytes;
    int64_t started_ms, shown_ms;
    // The batch being gathered: events (ours) and their line numbers.
    Shanhai__V1__LedgerEvent *events[LEDGER_BATCH_EVENTS_MAX];
    size_t lines[LEDGER_BATCH_EVENTS_MAX];
    size_t count;
    size_t rows, recorded, duplicates, rejected;
} s_import_t;

// An id for a row without one: the same for the same line at the same place, every run.
static void
s_derive_id (size_t line, const char *text, char *out, size_t out_size)
{
    uint64_t hashes[2] = { 14695981039346656037ULL, 0x9e3779b97f4a7c15ULL };
    char number[32];
    snprintf (number, sizeof number, "%zu:", line);
    for (int which = 0; which < 2; which++)
        for (const char *parts[] = { number, text }, **part = parts; part < parts + 2; part++)
            for (const unsigned char *at = (const unsigned char *) *part; *at; at++)
                hashes[which] = (hashes[which] ^ *at) * 1099511628211ULL;
    snprintf (out, out_size, "imp-%016llx%016llx", (unsigned long long) hashes[0],
              (unsigned long long) hashes[1]);
}

// Clears the bar's line before something else is written on the terminal.
static void
s_clear_bar (s_import_t *self)
{
    if (self->tty)
        fputs ("\r\033[K", stderr);
}

static void
s_reject (s_import_t *self, size_t line, const char *reason)
{
    s_clear_bar (self);
    char *escaped = NULL;
    size_t size = VALIDATE_ESCAPED_BYTES (strlen (reason));
    if ((escaped = malloc (size)))
        validate_escape (reason, escaped, size);
    fprintf (stderr, "%s:%zu: rejected: %s\n", self->path, line, escaped ? escaped : reason);
    free (escaped);
    self->rejected++;
}

// Progress: on a terminal a bar at most every IMPORT_PROGRESS_BAR_MS, else a line every
// IMPORT_PROGRESS_LINE_MS.
static void
s_progress (s_import_t *self, bool final)
{
    int64_t now_ms = zclock_mono ();
    int every_ms = self->tty ? IMPORT_PROGRESS_BAR_MS : IMPORT_PROGRESS_LINE_MS;
    if (!final && now_ms - self->shown_ms < every_ms)
        return;
    self->shown_ms = now_ms;
    double seconds = (double) (now_ms - self->started_ms) / 1000.0;
    double rate = seconds > 0 ? (double) self->rows / seconds : 0;
    double done = self->file_bytes > 0 ? (double) self->read_bytes / (double) self->file_bytes
                                       : 1.0;
    double eta = done > 0 && done < 1 ? seconds * (1 - done) / done : 0;
    if (self->tty) {
        char bar[31];
        int filled = (int) (done * 30);
        for (int index = 0; index < 30; index++)
            bar[index] = index < filled ? '#' : '-';
        bar[30] = '\0';
        fprintf (stderr, "\r\033[K[%s] %3d%% %zu rows %.0f rows/s ETA %.0fs", bar,
                 (int) (done * 100), self->rows, rate, eta);
        if (final)
            fputc ('\n', stderr);
    } else
        fprintf (stderr, "import: %zu rows (%d%%), %.0f rows/s\n", self->rows,
                 (int) (done * 100), rate);
}

// The index of the event a refused batch names ("event <index> (<id>): ..."), or -1.
static long
s_refused_index (const char *error, const char **reason)
{
    char *end = NULL;
    if (strncmp (error, "event ", 6) != 0)
        return -1;
    long index = strtol (error + 6, &end, 10);
    const char *colon = strstr (end, "): ");
    if (end == error + 6 || !colon)
        return -1;
    *reason = colon + 3;
    return index;
}

// Drops event index from the batch (rejected).
static void
s_drop (s_import_t *self, size_t index)
{
    event_json_free (&self->events[index]);
    memmove (&self->events[index], &self->events[index + 1],
             (self->count - index - 1) * sizeof self->events[0]);
    memmove (&self->lines[index], &self->lines[index + 1],
             (self->count - index - 1) * sizeof self->lines[0]);
    self->count--;
}

// Sends the batch until the ledger takes what is left of it. Returns 0, or 1 when the ledger
// failed or could not be reached (said).
static int
s_flush (s_import_t *self)
{
    while (self->count > 0) {
        Shanhai__V1__RecordBatchRequest request = SHANHAI__V1__RECORD_BATCH_REQUEST__INIT;
        request.n_events = self->count;
        request.events = self->events;
        Shanhai__V1__RecordBatchReply *reply = NULL;
        // A signal waits until the ledger has answered: an interrupted wait would leave the
        // batch's fate unknown (recorded or not), and the summary wrong.
        sigset_t stops, before;
        sigemptyset (&stops);
        sigaddset (&stops, SIGINT);
        sigaddset (&stops, SIGTERM);
        sigprocmask (SIG_BLOCK, &stops, &before);
        rpc_status_t status = rpc_client_call (self->client, "ledger.RecordBatch", &request.base,
                                               &shanhai__v1__record_batch_reply__descriptor,
                                               (ProtobufCMessage **) &reply);
        sigprocmask (SIG_SETMASK, &before, NULL);
        const char *error = rpc_client_error (self->client), *reason = NULL;
        long index = status == RPC_OK ? -1 : s_refused_index (error, &reason);
        if (status == RPC_OK) {
            for (size_t result = 0; result < reply->n_results; result++)
                reply->results[result]->duplicate ? self->duplicates++ : self->recorded++;
            shanhai__v1__record_batch_reply__free_unpacked (reply, NULL);
            while (self->count > 0)
                event_json_free (&self->events[--self->count]);
        } else if (index >= 0 && (size_t) index < self->count
                   && (status == RPC_INVALID || status == RPC_NOT_FOUND
                       || status == RPC_CONFLICT)) {
            char line_reason[RPC_ERROR_BYTES_MAX];
            snprintf (line_reason, sizeof line_reason, "%s: %s", rpc_status_name (status),
                      reason);
            char *tail = strstr (line_reason, "; nothing of the batch was recorded");
            if (tail)
                *tail = '\0';
            s_reject (self, self->lines[index], line_reason);
            s_drop (self, (size_t) index);
        } else {
            s_clear_bar (self);
            return cli_error ("import: ledger.RecordBatch: %s: %s (the rows before line %zu "
                              "are recorded; run again to go on)", rpc_status_name (status),
                              error, self->lines[0]);
        }
    }
    return 0;
}

// The event of one line (ours), or NULL with the reason.
static Shanhai__V1__LedgerEvent *
s_event (s_import_t *self, size_t line, const char *text, char *errstr, size_t errstr_size)
{
    json_t *object;
    if (self->csv)
        object = event_csv_row (self->header, text, errstr, errstr_size);
    else {
        json_error_t error;
        object = json_loads (text, JSON_REJECT_DUPLICATES, &error);
        if (!object)
            snprintf (errstr, errstr_size, "not JSON: %s at column %d", error.text,
                      error.column);
    }
    Shanhai__V1__LedgerEvent *event
        = object ? event_json_to_event (object, true, errstr, errstr_size) : NULL;
    json_decref (object);
    if (!event)
        return NULL;
    event->seq = 0;  // the ledger fills these in again
    event->recorded_at_ms = 0;
    event->registry_version = 0;
    if (event->program != protobuf_c_empty_string)
        free (event->program);
    event->program = (char *) protobuf_c_empty_string;
    if (!*event->id) {
        char id[ID_BYTES_MAX];
        s_derive_id (line, text, id, sizeof id);
        if (event->id != protobuf_c_empty_string)
            free (event->id);
        event->id = strdup (id);
        if (!event->id) {
            event->id = (char *) protobuf_c_empty_string;
            event_json_free (&event);
            snprintf (errstr, errstr_size, "out of memory");
        }
    }
    return event;
}

// Reads one line into buffer (IMPORT_LINE_BYTES_MAX + 2 bytes: the line, its '\n', a NUL) and
// takes its line break off. Returns its length, -1 at the end, or -2 for a line longer than
// IMPORT_LINE_BYTES_MAX (read past, never held whole: memory stays bounded).
static ssize_t
s_read_line (s_import_t *self, char *buffer)
{
    if (!fgets (buffer, IMPORT_LINE_BYTES_MAX + 2, self->file))
        return -1;
    size_t length = strlen (buffer);
    self->read_bytes += (long long) length;
    bool whole = (length > 0 && buffer[length - 1] == '\n') || feof (self->file);
    if (!whole) {  // longer than the buffer: read past the rest
        int byte;
        while ((byte = fgetc (self->file)) != EOF && byte != '\n')
            self->read_bytes++;
        return -2;
    }
    while (length > 0 && (buffer[length - 1] == '\n' || buffer[length - 1] == '\r'))
        buffer[--length] = '\0';
    return length > IMPORT_LINE_BYTES_MAX ? -2 : (ssize_t) length;
}

// Takes one line: the CSV header, a blank line (skipped), or a row into the batch.
static int
s_take (s_import_t *self, size_t line, ssize_t length, const char *text)
{
    char errstr[RPC_ERROR_BYTES_MAX];
    if (length == -2) {
        self->rows++;
        snprintf (errstr, sizeof errstr, "the line is longer than %d bytes",
                  IMPORT_LINE_BYTES_MAX);
        s_reject (self, line, errstr);
        return 0;
    }
    if (self->csv && !self->header) {
        if (!(self->header = event_csv_new (text, errstr, sizeof errstr)))
            return cli_error ("import: %s:%zu: the header: %s", self->path, line, errstr);
        return 0;
    }
    if (length == 0)
        return 0;
    self->rows++;
    Shanhai__V1__LedgerEvent *event = s_event (self, line, text, errstr, sizeof errstr);
    if (!event) {
        s_reject (self, line, errstr);
        return 0;
    }
    self->events[self->count] = event;
    self->lines[self->count++] = line;
    return self->count == LEDGER_BATCH_EVENTS_MAX ? s_flush (self) : 0;
}

// Streams the file. Returns the exit status.
static int
s_run (s_import_t *self)
{
    char *buffer = malloc (IMPORT_LINE_BYTES_MAX + 2);
    if (!buffer)
        return cli_error ("import: out of memory");
    size_t line = 0;
    ssize_t length;
    int rc = 0;
    while (rc == 0 && !s_stop && (length = s_read_line (self, buffer)) != -1) {
        rc = s_take (self, ++line, length, buffer);
        s_progress (self, false);
    }
    free (buffer);
    if (rc == 0)
        rc = s_flush (self);  // also after a stop: what was read is sent
    if (rc == 0 && ferror (self->file))
        rc = cli_error ("import: cannot read %s: %s", self->path, strerror (errno));
    s_progress (self, true);
    fprintf (stderr, "%s %s: %zu rows: %zu recorded, %zu already recorded, %zu rejected%s\n",
             s_stop ? "interrupted" : "imported", self->path, self->rows, self->recorded,
             self->duplicates, self->rejected,
             s_stop ? " (run the same import again to go on)" : "");
    if (rc)
        return rc;
    return s_stop ? S_EXIT_INTERRUPTED : self->rejected ? CLI_EXIT_FAILED : 0;
}

// Reads the options into self. Returns 0, or CLI_EXIT_USAGE when said.
static int
s_parse (s_import_t *self, int argc, char **argv)
{
    static const struct option options[] = {
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    cli_options_t parser = { .command = "import", .usage = s_usage, .options = options };
    const char *format = NULL;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        if (option != 'f')
            return CLI_EXIT_USAGE;
        format = optarg;
    }
    if (optind + 1 != argc)
        return cli_usage (s_usage, "import: name one file");
    self->path = argv[optind];
    size_t length = strlen (self->path);
    if (format && strcmp (format, "csv") != 0 && strcmp (format, "ndjson") != 0)
        return cli_usage (s_usage, "import: --format '%s' is not ndjson or csv", format);
    self->csv = format ? strcmp (format, "csv") == 0
                       : length >= 4 && strcmp (self->path + length - 4, ".csv") == 0;
    return 0;
}

int
cmd_import (cli_t *cli, int argc, char **argv)
{
    static s_import_t import;  // a batch of pointers and lines: kept off the stack
    memset (&import, 0, sizeof import);
    int rc = s_parse (&import, argc, argv);
    if (rc)
        return rc;
    if (!(import.file = fopen (import.path, "r")))
        return cli_error ("import: cannot open %s: %s", import.path, strerror (errno));
    struct stat status;
    import.file_bytes = fstat (fileno (import.file), &status) == 0 ? status.st_size : 0;
    import.tty = isatty (STDERR_FILENO);
    import.started_ms = import.shown_ms = zclock_mono ();
    import.client = rpc_client_new (cli->config.ledger_rpc, RPC_TIMEOUT_MS);
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_on_signal;
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
    rc = import.client ? s_run (&import)
                       : cli_error ("import: cannot connect to %s", cli->config.ledger_rpc);
    while (import.count > 0)
        event_json_free (&import.events[--import.count]);
    rpc_client_destroy (&import.client);
    event_csv_destroy (&import.header);
    fclose (import.file);
    return rc;
}
