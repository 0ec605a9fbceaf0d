/*  alert_template.h: what the channels say of an alert, from templates that are data
    (templates/<language>.json: Chinese by default, English by SHANHAI_LANGUAGE=en), so that
    the wording is changed without a build.

    A template file holds, for each compliance status, its name and its colour (三色预警), the
    line said of one change ({name} fields filled from the change), how each scope's subject
    reads (a pair, a county as supporter, recipient or region, a park, the program) and each
    kind of period, the phrases of a first status and of a change, how money and counts read,
    and the title and count of a digest.
    Loading checks every text and every {name} field, so that a bad file stops the service at
    its start rather than garbling alerts later. */
#ifndef SHANHAI_ALERT_TEMPLATE_H
#define SHANHAI_ALERT_TEMPLATE_H

#include <stddef.h>
#include "common/proto.h"

typedef struct alert_template_t alert_template_t;

// Reads dir/<language>.json (at most TEMPLATE_FILE_BYTES_MAX). Returns the templates, or
// NULL with one line in errstr naming the file and what is wrong (a missing key, a {name} field
// it does not know).
alert_template_t *alert_template_load (const char *dir, const char *language, char *errstr,
                                       size_t errstr_size);
// Frees the templates; safe on NULL and twice; nulls *self_p.
void alert_template_destroy (alert_template_t **self_p);

// Writes the line of change (change->rule not NULL): the status and its colour, whose rule it
// is (the template of its scope: a pair by its counties, any other subject by subject_name,
// the registry's name of the region, park or program, borrowed; NULL or "" to say its code),
// the period (the template of its kind: year, quarter, month or window), the rule's title, a
// first status as a first status or the change from the previous one, actual against target
// and expected by as_of, the clause. Cut to out_size - 1 bytes on a UTF-8 boundary (out_size
// at most CHANNEL_LINE_BYTES_MAX).
void alert_template_line (const alert_template_t *self,
                          const Shanhai__V1__ComplianceChange *change,
                          const char *subject_name, char *out, size_t out_size);
// A digest's title (borrowed), e.g. "山海协作预警".
const char *alert_template_title (const alert_template_t *self);
// A digest's count of alerts, e.g. "共3条", into out.
void alert_template_digest (const alert_template_t *self, size_t count, char *out,
                            size_t out_size);

#endif
