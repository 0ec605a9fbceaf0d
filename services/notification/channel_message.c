#include "channel_message.h"

#include <assert.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// A line's share of a message's text besides itself: "- " (or "> ") and a newline.
#define S_LINE_OVERHEAD_BYTES 3
// The title's: "#### " and two newlines, or "**", "**" and a newline.
#define S_TITLE_OVERHEAD_BYTES 8

static bool
s_is (const char *type, const char *name)
{
    return type && strcmp (type, name) == 0;
}

size_t
channel_message_fit (const char *type, const char *title, const char *const *lines,
                     size_t count)
{
    assert (title && (lines || count == 0));
    size_t used = strlen (title) + S_TITLE_OVERHEAD_BYTES, fit = 0;
    while (fit < count && fit < DELIVERY_MESSAGE_ALERTS_MAX) {
        // A webhook sends the alerts' JSON, not the lines: only the count bounds it.
        size_t line = s_is (type, "webhook") ? 0 : strlen (lines[fit]) + S_LINE_OVERHEAD_BYTES;
        if (fit > 0 && used + line >= DELIVERY_MESSAGE_BYTES_MAX)
            break;
        used += line;
        fit++;
    }
    return fit;
}

// HMAC-SHA256 of data with key into digest (32 bytes).
static void
s_hmac (const char *key, const char *data, size_t data_size, unsigned char digest[32])
{
    unsigned int digest_size = 32;
    HMAC (EVP_sha256 (), key, (int) strlen (key), (const unsigned char *) data, data_size,
          digest, &digest_size);
    assert (digest_size == 32);
}

void
channel_message_dingtalk_sign (const char *secret, int64_t timestamp_ms,
                               char out[CHANNEL_SIGN_BYTES_MAX])
{
    assert (secret && out);
    char *data = NULL;
    size_t data_size = 0;
    FILE *stream = open_memstream (&data, &data_size);
    unsigned char digest[32], base64[45];
    if (stream) {
        fprintf (stream, "%lld\n%s", (long long) timestamp_ms, secret);
        fclose (stream);
    }
    s_hmac (secret, data ? data : "", data ? data_size : 0, digest);
    free (data);
    EVP_EncodeBlock (base64, digest, 32);
    // URL-encoding: base64's + / = are reserved in a query.
    size_t length = 0;
    for (const unsigned char *at = base64; *at; at++) {
        if ((*at >= 'A' && *at <= 'Z') || (*at >= 'a' && *at <= 'z') || (*at >= '0' && *at <= '9'))
            out[length++] = (char) *at;
        else
            length += (size_t) snprintf (out + length, 4, "%%%02X", *at);
    }
    out[length] = '\0';
    assert (length < CHANNEL_SIGN_BYTES_MAX);
}

void
channel_message_webhook_signature (const char *secret, const char *timestamp, const char *body,
                                   char out[CHANNEL_SIGNATURE_BYTES])
{
    assert (secret && timestamp && body && out);
    size_t size = strlen (timestamp) + 1 + strlen (body);
    char *data = malloc (size + 1);
    unsigned char digest[32];
    if (data)
        snprintf (data, size + 1, "%s\n%s", timestamp, body);
    s_hmac (secret, data ? data : "", data ? size : 0, digest);
    free (data);
    int length = snprintf (out, CHANNEL_SIGNATURE_BYTES, "sha256=");
    for (size_t index = 0; index < 32; index++)
        length += snprintf (out + length, CHANNEL_SIGNATURE_BYTES - (size_t) length, "%02x",
                            digest[index]);
    assert (length == CHANNEL_SIGNATURE_BYTES - 1);
}

// The markdown text: the title, one item per line, and for DingTalk the mentions.
static char *
s_text (bool dingtalk, const char *title, const char *const *lines, size_t line_count,
        const char *const *mobiles, size_t mobile_count)
{
    char *text = NULL;
    size_t text_size = 0;
    FILE *stream = open_memstream (&text, &text_size);
    if (!stream)
        return NULL;
    fprintf (stream, dingtalk ? "#### %s\n\n" : "**%s**\n", title);
    for (size_t index = 0; index < line_count; index++)
        fprintf (stream, dingtalk ? "- %s\n" : "> %s\n", lines[index]);
    for (size_t index = 0; dingtalk && index < mobile_count; index++)
        fprintf (stream, "%s@%s", index == 0 ? "\n" : " ", mobiles[index]);
    if (fclose (stream) != 0) {
        free (text);
        return NULL;
    }
    return text;
}

// The body of a robot's message.
static json_t *
s_robot_body (const Shanhai__V1__Channel *channel, const char *title, const char *text,
              const char *const *mobiles, size_t mobile_count)
{
    if (s_is (channel->type, "wecom"))
        return json_pack ("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown", "content", text);
    json_t *at = json_array ();
    for (size_t index = 0; at && index < mobile_count; index++)
        json_array_append_new (at, json_string (mobiles[index]));
    return json_pack ("{s:s, s:{s:s, s:s}, s:{s:o, s:b}}", "msgtype", "markdown", "markdown",
                      "title", title, "text", text, "at", "atMobiles", at, "isAtAll", 0);
}

static int
s_url (channel_request_t *request, const Shanhai__V1__Channel *channel, int64_t now_ms)
{
    if (!s_is (channel->type, "dingtalk")) {
        request->url = strdup (channel->url);
        return request->url ? 0 : -1;
    }
    char sign[CHANNEL_SIGN_BYTES_MAX];
    channel_message_dingtalk_sign (channel->secret, now_ms, sign);
    size_t size = strlen (channel->url) + 64 + strlen (sign);
    request->url = malloc (size);
    if (!request->url)
        return -1;
    snprintf (request->url, size, "%s%ctimestamp=%lld&sign=%s", channel->url,
              strchr (channel->url, '?') ? '&' : '?', (long long) now_ms, sign);
    return 0;
}

int
channel_message_build (const Shanhai__V1__Channel *channel, const char *title,
                       const char *const *lines, size_t line_count,
                       const char *const *mobiles, size_t mobile_count, json_t *alerts,
                       int64_t now_ms, channel_request_t *request)
{
    assert (channel && title && request);
    memset (request, 0, sizeof *request);
    json_t *body = NULL;
    if (s_is (channel->type, "webhook"))
        body = json_incref (alerts);
    else if (s_is (channel->type, "dingtalk") || s_is (channel->type, "wecom")) {
        char *text = s_text (s_is (channel->type, "dingtalk"), title, lines, line_count,
                             mobiles, mobile_count);
        body = text ? s_robot_body (channel, title, text, mobiles, mobile_count) : NULL;
        free (text);
    }
    request->body = body ? json_dumps (body, JSON_COMPACT) : NULL;
    json_decref (body);
    if (!request->body || s_url (request, channel, now_ms)) {
        channel_request_clear (request);
        return -1;
    }
    snprintf (request->headers[request->header_count++], CHANNEL_HEADER_BYTES_MAX,
              "Content-Type: application/json; charset=utf-8");
    if (s_is (channel->type, "webhook")) {
        char timestamp[32], signature[CHANNEL_SIGNATURE_BYTES];
        snprintf (timestamp, sizeof timestamp, "%lld", (long long) now_ms);
        channel_message_webhook_signature (channel->secret, timestamp, request->body,
                                           signature);
        snprintf (request->headers[request->header_count++], CHANNEL_HEADER_BYTES_MAX,
                  "X-Shanhai-Timestamp: %s", timestamp);
        snprintf (request->headers[request->header_count++], CHANNEL_HEADER_BYTES_MAX,
                  "X-Shanhai-Signature: %s", signature);
    }
    return 0;
}

void
channel_request_clear (channel_request_t *request)
{
    if (request) {
        free (request->url);
        free (request->body);
        memset (request, 0, sizeof *request);
    }
}

bool
channel_message_accepted (const char *type, long http_code, const char *body, size_t body_size,
                          char *result, size_t result_size)
{
    assert (type && (body || body_size == 0) && result && result_size > 0);
    if (http_code < 200 || http_code > 299 || s_is (type, "webhook")) {
        snprintf (result, result_size, "HTTP %ld", http_code);
        return http_code >= 200 && http_code <= 299;
    }
    // A robot says 200 to a refusal too (a bad sign, a throttled robot): errcode tells.
    json_t *reply = json_loadb (body ? body : "", body_size, 0, NULL);
    json_t *errcode = json_object_get (reply, "errcode");
    const char *errmsg = json_string_value (json_object_get (reply, "errmsg"));
    bool accepted = json_is_integer (errcode) && json_integer_value (errcode) == 0;
    if (!json_is_integer (errcode))
        snprintf (result, result_size, "HTTP %ld without an errcode", http_code);
    else if (accepted)
        snprintf (result, result_size, "HTTP %ld", http_code);
    else
        snprintf (result, result_size, "HTTP %ld errcode %lld: %.80s", http_code,
                  (long long) json_integer_value (errcode), errmsg ? errmsg : "");
    // The result is one line of a log: a newline in the robot's message would break it.
    for (char *at = result; *at; at++)
        if ((unsigned char) *at < ' ')
            *at = ' ';
    json_decref (reply);
    return accepted;
}
