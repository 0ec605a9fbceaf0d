/*  channel_message.h: the HTTP request one message makes on one channel, and what its reply
    means. Pure: no sockets, no SQLite, no clock (the caller passes the time).

    - dingtalk: POST to the robot's URL with &timestamp=<ms>&sign=<URL-encoded base64 of
      HMAC-SHA256(secret, timestamp + "\n" + secret)>, body {"msgtype": "markdown",
      "markdown": {"title", "text"}, "at": {"atMobiles": [...], "isAtAll": false}}; the text
      ends with "@<mobile>" for each person mentioned, which DingTalk requires to show them.
    - wecom: POST of {"msgtype": "markdown", "markdown": {"content"}} to the robot's URL (its key
      is in the URL). WeCom's markdown cannot mention by mobile, so it mentions no one.
    - webhook: POST of the alerts as a JSON array (common/answer_json.h, the `alerts --json`
      shape) with X-Shanhai-Timestamp: <ms> and X-Shanhai-Signature: sha256=<hex of
      HMAC-SHA256(secret, timestamp + "\n" + body)>, so the receiver can check it came from
      shanhai and is not a replay of an old one.

    A robot's reply is a success only with HTTP 2xx and {"errcode": 0}; a webhook's with 2xx. */
#ifndef SHANHAI_CHANNEL_MESSAGE_H
#define SHANHAI_CHANNEL_MESSAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/limits.h"
#include "common/proto.h"

// The headers a request carries besides the defaults: Content-Type and the webhook's two.
#define CHANNEL_HEADERS_MAX 3
// Room for one header line: the signature's 64 hex digits and its name.
#define CHANNEL_HEADER_BYTES_MAX 128
// The DingTalk sign: base64 of 32 bytes is 44 characters, each at most 3 when URL-encoded.
#define CHANNEL_SIGN_BYTES_MAX (44 * 3 + 1)
// The webhook signature: "sha256=" and 64 hex digits.
#define CHANNEL_SIGNATURE_BYTES (7 + 64 + 1)

// One message, ready to send. Everything is owned by the request (channel_request_clear).
typedef struct {
    char *url;
    char *body;
    char headers[CHANNEL_HEADERS_MAX][CHANNEL_HEADER_BYTES_MAX];
    size_t header_count;
} channel_request_t;

// How many of lines (count of them, each under CHANNEL_LINE_BYTES_MAX) one message of the
// channel's type carries: a prefix of them, within DELIVERY_MESSAGE_BYTES_MAX with the title,
// and at most DELIVERY_MESSAGE_ALERTS_MAX. At least 1 when count > 0.
size_t channel_message_fit (const char *type, const char *title, const char *const *lines,
                            size_t count);

// Builds the request of one message on channel at now_ms: title (the digest's, e.g. "山海协作
// 预警 · 共3条"), the lines (what channel_message_fit allows), the mobiles to mention (DingTalk),
// and for a webhook the alerts' JSON (an array, borrowed). Returns 0, or -1 when out of memory
// or the channel's type is unknown (request is then empty).
int channel_message_build (const Shanhai__V1__Channel *channel, const char *title,
                           const char *const *lines, size_t line_count,
                           const char *const *mobiles, size_t mobile_count, json_t *alerts,
                           int64_t now_ms, channel_request_t *request);
// Frees what the request owns and empties it; safe twice.
void channel_request_clear (channel_request_t *request);

// True when the reply (HTTP code, body of body_size bytes, not NUL-terminated) says the
// channel of type accepted the message. result gets one line either way: "HTTP 200", or
// "HTTP 200 errcode 310000: sign not match", "HTTP 503".
bool channel_message_accepted (const char *type, long http_code, const char *body,
                               size_t body_size, char *result, size_t result_size);

// DingTalk's sign of timestamp_ms with secret, URL-encoded, into out.
void channel_message_dingtalk_sign (const char *secret, int64_t timestamp_ms,
                                    char out[CHANNEL_SIGN_BYTES_MAX]);
// The webhook's signature of body at timestamp (its decimal text) with secret:
// "sha256=<hex>".
void channel_message_webhook_signature (const char *secret, const char *timestamp,
                                        const char *body, char out[CHANNEL_SIGNATURE_BYTES]);

#endif
