#define _GNU_SOURCE  // asprintf
#include "gateway_stream.h"

#include <assert.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/answer_json.h"
#include "common/limits.h"

// What a stream sends when nothing happens: an SSE comment.
#define S_PING ": ping\n\n"

typedef struct {
    uint64_t id;
    char *text;  // "id: N\nevent: alert\ndata: {...}\n\n", owned
} s_item_t;

struct gateway_stream_t {
    gateway_streams_t *set;
    gateway_stream_t *prev, *next;
    char person[ID_BYTES_MAX];
    uint64_t sent_id;              // the last id taken off the queue
    s_item_t queue[GATEWAY_STREAM_QUEUE_ALERTS_MAX];  // in id order
    size_t queued;
    char *current;                 // the item being sent, owned
    size_t current_offset;
    bool ping_due;
    bool ending;                   // end once drained
    bool suspended;
    gateway_stream_fn *suspend, *wake;
    void *arg;
};

struct gateway_streams_t {
    pthread_mutex_t lock;
    gateway_stream_t *head;
    size_t count;
};

gateway_streams_t *
gateway_streams_new (void)
{
    gateway_streams_t *self = calloc (1, sizeof *self);
    if (self)
        pthread_mutex_init (&self->lock, NULL);
    return self;
}

void
gateway_streams_destroy (gateway_streams_t **self_p)
{
    if (self_p && *self_p) {
        assert ((*self_p)->count == 0);
        pthread_mutex_destroy (&(*self_p)->lock);
        free (*self_p);
        *self_p = NULL;
    }
}

size_t
gateway_streams_count (gateway_streams_t *self)
{
    pthread_mutex_lock (&self->lock);
    size_t count = self->count;
    pthread_mutex_unlock (&self->lock);
    return count;
}

gateway_stream_t *
gateway_streams_open (gateway_streams_t *self, const char *person, uint64_t after_id)
{
    pthread_mutex_lock (&self->lock);
    gateway_stream_t *stream = self->count < GATEWAY_STREAMS_MAX ? calloc (1, sizeof *stream)
                                                                  : NULL;
    if (stream) {
        stream->set = self;
        snprintf (stream->person, sizeof stream->person, "%s", person);
        stream->sent_id = after_id;
        stream->next = self->head;
        if (self->head)
            self->head->prev = stream;
        self->head = stream;
        self->count++;
    }
    pthread_mutex_unlock (&self->lock);
    return stream;
}

void
gateway_stream_bind (gateway_stream_t *stream, gateway_stream_fn *suspend,
                     gateway_stream_fn *wake, void *arg)
{
    pthread_mutex_lock (&stream->set->lock);
    stream->suspend = suspend;
    stream->wake = wake;
    stream->arg = arg;
    pthread_mutex_unlock (&stream->set->lock);
}

// Under the lock: wakes a parked stream.
static void
s_wake (gateway_stream_t *stream)
{
    if (stream->suspended && stream->wake) {
        stream->suspended = false;
        stream->wake (stream->arg);
    }
}

// Under the lock: queues a copy of text for id in id order, once. Returns 0, or -1 when
// the queue is full (the stream then ends after what it has).
static int
s_insert (gateway_stream_t *stream, uint64_t id, const char *text)
{
    if (id <= stream->sent_id)
        return 0;
    size_t at = stream->queued;
    while (at > 0 && stream->queue[at - 1].id > id)
        at--;
    if (at > 0 && stream->queue[at - 1].id == id)
        return 0;
    char *copy = stream->queued < GATEWAY_STREAM_QUEUE_ALERTS_MAX ? strdup (text) : NULL;
    if (!copy) {
        stream->ending = true;
        return -1;
    }
    memmove (&stream->queue[at + 1], &stream->queue[at],
             (stream->queued - at) * sizeof stream->queue[0]);
    stream->queue[at] = (s_item_t) { .id = id, .text = copy };
    stream->queued++;
    return 0;
}

// The event's text (the caller frees it), or NULL.
static char *
s_event_text (const Shanhai__V1__Alert *alert)
{
    json_t *object = answer_json_alert (alert);
    char *data = object ? json_dumps (object, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
    json_decref (object);
    char *text = NULL;
    if (data && asprintf (&text, "id: %llu\nevent: alert\ndata: %s\n\n",
                          (unsigned long long) alert->id, data) < 0)
        text = NULL;
    free (data);
    return text;
}

void
gateway_streams_publish (gateway_streams_t *self, const Shanhai__V1__Alert *alert)
{
    char *text = s_event_text (alert);
    if (!text)
        return;
    pthread_mutex_lock (&self->lock);
    for (gateway_stream_t *stream = self->head; stream; stream = stream->next)
        if (strcmp (stream->person, alert->person) == 0) {
            s_insert (stream, alert->id, text);
            s_wake (stream);
        }
    pthread_mutex_unlock (&self->lock);
    free (text);
}

void
gateway_streams_ping (gateway_streams_t *self)
{
    pthread_mutex_lock (&self->lock);
    for (gateway_stream_t *stream = self->head; stream; stream = stream->next) {
        stream->ping_due = true;
        s_wake (stream);
    }
    pthread_mutex_unlock (&self->lock);
}

void
gateway_streams_end_all (gateway_streams_t *self)
{
    pthread_mutex_lock (&self->lock);
    for (gateway_stream_t *stream = self->head; stream; stream = stream->next) {
        stream->ending = true;
        s_wake (stream);
    }
    pthread_mutex_unlock (&self->lock);
}

int
gateway_stream_backfill (gateway_stream_t *stream, const Shanhai__V1__Alert *alert)
{
    char *text = s_event_text (alert);
    if (!text)
        return -1;
    pthread_mutex_lock (&stream->set->lock);
    int rc = s_insert (stream, alert->id, text);
    pthread_mutex_unlock (&stream->set->lock);
    free (text);
    return rc;
}

void
gateway_stream_end_when_drained (gateway_stream_t *stream)
{
    pthread_mutex_lock (&stream->set->lock);
    stream->ending = true;
    pthread_mutex_unlock (&stream->set->lock);
}

// Under the lock: copies what is due into buffer. Returns the bytes copied.
static size_t
s_copy_due (gateway_stream_t *stream, char *buffer, size_t size)
{
    size_t copied = 0;
    while (copied < size) {
        if (!stream->current) {
            if (stream->queued == 0)
                break;
            stream->current = stream->queue[0].text;
            stream->current_offset = 0;
            stream->sent_id = stream->queue[0].id;
            memmove (&stream->queue[0], &stream->queue[1],
                     --stream->queued * sizeof stream->queue[0]);
        }
        size_t left = strlen (stream->current + stream->current_offset);
        size_t take = left < size - copied ? left : size - copied;
        memcpy (buffer + copied, stream->current + stream->current_offset, take);
        copied += take;
        stream->current_offset += take;
        if (stream->current_offset == strlen (stream->current)) {
            free (stream->current);
            stream->current = NULL;
        }
    }
    return copied;
}

ssize_t
gateway_stream_read (gateway_stream_t *stream, char *buffer, size_t size)
{
    assert (size > 0);
    pthread_mutex_lock (&stream->set->lock);
    ssize_t result = (ssize_t) s_copy_due (stream, buffer, size);
    if (result == 0 && stream->ending)
        result = -1;
    else if (result == 0 && stream->ping_due && size >= strlen (S_PING)) {
        memcpy (buffer, S_PING, strlen (S_PING));
        result = (ssize_t) strlen (S_PING);
    }
    if (result != 0)
        stream->ping_due = false;
    else if (stream->suspend) {
        stream->suspended = true;
        stream->suspend (stream->arg);
    }
    pthread_mutex_unlock (&stream->set->lock);
    return result;
}

void
gateway_stream_close (gateway_stream_t *stream)
{
    if (!stream)
        return;
    gateway_streams_t *self = stream->set;
    pthread_mutex_lock (&self->lock);
    if (stream->prev)
        stream->prev->next = stream->next;
    else
        self->head = stream->next;
    if (stream->next)
        stream->next->prev = stream->prev;
    self->count--;
    pthread_mutex_unlock (&self->lock);
    for (size_t index = 0; index < stream->queued; index++)
        free (stream->queue[index].text);
    free (stream->current);
    free (stream);
}
