#include "common/alert_json.h"

#include <assert.h>
#include <stdio.h>
#include <time.h>

// "YYYY-MM-DDTHH:MM:SSZ" and its NUL.
#define S_AT_BYTES 21

static void
s_at_text (int64_t at_ms, char *out, size_t out_size)
{
    time_t seconds = (time_t) (at_ms / 1000);
    struct tm utc;
    if (!gmtime_r (&seconds, &utc) || strftime (out, out_size, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        snprintf (out, out_size, "%s", "");
}

json_t *
alert_json (const Shanhai__V1__Alert *alert)
{
    assert (alert);
    char at[S_AT_BYTES];
    s_at_text (alert->at_ms, at, sizeof at);
    return json_pack ("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "id",
                      (json_int_t) alert->id, "person", alert->person, "pair", alert->pairing,
                      "rule", alert->rule, "year", alert->year, "status",
                      compliance_status_name (alert->status), "previous",
                      compliance_status_name (alert->previous), "text", alert->text, "at", at);
}
