#include <criterion/criterion.h>
#include <string.h>
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
