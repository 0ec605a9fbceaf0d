#include <criterion/criterion.h>
#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "common/date.h"
#include "common/validate.h"
#include "event_id.h"

Test (event_id, is_a_version_7_uuid_and_a_valid_id)
{
    char id[EVENT_ID_TEXT_BYTES];
    cr_assert_eq (event_id_new (id), 0);
    cr_assert_eq (strlen (id), 36);
    cr_assert_eq (id[8], '-');
    cr_assert_eq (id[14], '7', "version 7: %s", id);
    cr_assert (strchr ("89ab", id[19]), "RFC 4122 variant: %s", id);
    cr_assert (validate_id (id));
    for (int index = 0; index < 36; index++)
        if (index == 8 || index == 13 || index == 18 || index == 23)
            cr_assert_eq (id[index], '-', "%s", id);
        else
            cr_assert (strchr ("0123456789abcdef", id[index]), "lowercase hex: %s", id);
}

Test (event_id, begins_with_the_unix_milliseconds)
{
    int64_t before_ms = date_now_ms ();
    char id[EVENT_ID_TEXT_BYTES];
    cr_assert_eq (event_id_new (id), 0);
    int64_t after_ms = date_now_ms ();
    char hex[13];
    memcpy (hex, id, 8);
    memcpy (hex + 8, id + 9, 4);
    hex[12] = '\0';
    int64_t ms = (int64_t) strtoll (hex, NULL, 16);
    cr_assert (ms >= before_ms && ms <= after_ms, "%s: %lld not in %lld..%lld", id,
               (long long) ms, (long long) before_ms, (long long) after_ms);
}

Test (event_id, two_ids_in_sequence_sort_in_order)
{
    char first[EVENT_ID_TEXT_BYTES], second[EVENT_ID_TEXT_BYTES];
    cr_assert_eq (event_id_new (first), 0);
    zclock_sleep (2);  // a later millisecond: the text order is the time order
    cr_assert_eq (event_id_new (second), 0);
    cr_assert_lt (strcmp (first, second), 0, "%s then %s", first, second);
}

Test (event_id, ids_are_time_ordered_and_unique)
{
    enum { COUNT = 2000 };
    static char ids[COUNT][EVENT_ID_TEXT_BYTES];
    for (int index = 0; index < COUNT; index++)
        cr_assert_eq (event_id_new (ids[index]), 0);
    for (int index = 1; index < COUNT; index++) {
        // The first 48 bits are milliseconds: never decreasing.
        cr_assert_leq (strncmp (ids[index - 1], ids[index], 13), 0, "%s then %s",
                       ids[index - 1], ids[index]);
        for (int other = 0; other < index; other++)
            cr_assert_str_neq (ids[other], ids[index]);
    }
}
