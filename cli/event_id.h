/*  event_id.h: ids for events the CLI records without --id. Time-ordered like UUIDv7 (48 bits
    of Unix milliseconds, then random bits), so that the ledger's unique index grows at its
    end: on this machine random ids made batched inserts about 4.5 times slower. */
#ifndef SHANHAI_EVENT_ID_H
#define SHANHAI_EVENT_ID_H

// The canonical 36-character text of a UUID and its NUL.
#define EVENT_ID_TEXT_BYTES 37

// Writes a new id into out. Returns 0, or -1 when no random bytes could be had.
int event_id_new (char out[EVENT_ID_TEXT_BYTES]);

#endif
