#include "event_id.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include "common/date.h"

int
event_id_new (char out[EVENT_ID_TEXT_BYTES])
{
    uint8_t bytes[16];
    if (getrandom (bytes + 6, sizeof bytes - 6, 0) != (ssize_t) (sizeof bytes - 6))
        return -1;
    uint64_t now_ms = (uint64_t) date_now_ms ();
    for (int index = 0; index < 6; index++)
        bytes[index] = (uint8_t) (now_ms >> (8 * (5 - index)));
    bytes[6] = (uint8_t) (0x70 | (bytes[6] & 0x0F));  // version 7
    bytes[8] = (uint8_t) (0x80 | (bytes[8] & 0x3F));  // RFC 4122 variant
    snprintf (out, EVENT_ID_TEXT_BYTES,
              "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
              bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
              bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14],
              bytes[15]);
    return 0;
}
