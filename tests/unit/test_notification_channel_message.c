/*  What a message on each kind of channel looks like, how it is signed, how much one message
    carries, and what a reply means. */
#include <criterion/criterion.h>
#include <string.h>
#include "channel_message.h"

static Shanhai__V1__Channel
s_channel (const char *type, const char *url, const char *secret)
{
    Shanhai__V1__Channel channel = SHANHAI__V1__CHANNEL__INIT;
    channel.id = "c1";
    channel.type = (char *) type;
    channel.url = (char *) url;
    channel.secret = (char *) secret;
    return channel;
}

Test (channel_message, dingtalk_sign_matches_the_documented_algorithm)
{
    // base64(HMAC-SHA256("SECtest", "1700000000000\nSECtest")), URL-encoded, as computed by
    // Python's hmac/base64/urllib.parse.quote_plus for the same inputs.
    char sign[CHANNEL_SIGN_BYTES_MAX];
    channel_message_dingtalk_sign ("SECtest", 1700000000000LL, sign);
    cr_assert_str_eq (sign, "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D");
}

Test (channel_message, webhook_signature_is_hex_hmac_of_timestamp_and_body)
{
    char signature[CHANNEL_SIGNATURE_BYTES];
    channel_message_webhook_signature ("key", "1700000000000", "[]", signature);
    cr_assert_str_eq (signature,
                      "sha256=0d41651af29a2ed25a46b53b43e33946eb938bbc541437cb14571d98db7c876e");
}

Test (channel_message, a_dingtalk_message_is_signed_markdown_with_mentions)
{
    Shanhai__V1__Channel channel = s_channel ("dingtalk", "http://r/robot/send?access_token=t",
                                              "SECtest");
    const char *lines[] = { "【红色·未完成】一", "【黄色·进度滞后】二" };
    const char *mobiles[] = { "13800000001" };
    channel_request_t request;
    cr_assert_eq (channel_message_build (&channel, "预警 · 共2条", lines, 2, mobiles, 1, NULL,
                                         1700000000000LL, &request), 0);
    cr_assert_str_eq (request.url, "http://r/robot/send?access_token=t&timestamp=1700000000000"
                                   "&sign=aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D");
    json_t *body = json_loads (request.body, 0, NULL);
    cr_assert (body);
    cr_assert_str_eq (json_string_value (json_object_get (body, "msgtype")), "markdown");
    const char *text
        = json_string_value (json_object_get (json_object_get (body, "markdown"), "text"));
    cr_assert_str_eq (text, "#### 预警 · 共2条\n\n- 【红色·未完成】一\n- 【黄色·进度滞后】二\n"
                            "\n@13800000001");
    json_t *at = json_object_get (json_object_get (body, "at"), "atMobiles");
    cr_assert_eq (json_array_size (at), 1);
    cr_assert_eq (request.header_count, 1);
    json_decref (body);
    channel_request_clear (&request);
    channel_request_clear (&request);
}

Test (channel_message, a_wecom_message_is_markdown_content)
{
    Shanhai__V1__Channel channel = s_channel ("wecom", "http://w/send?key=k", "");
    const char *lines[] = { "一" };
    channel_request_t request;
    cr_assert_eq (channel_message_build (&channel, "T", lines, 1, NULL, 0, NULL, 1, &request), 0);
    cr_assert_str_eq (request.url, "http://w/send?key=k");
    cr_assert_str_eq (request.body,
                      "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"**T**\\n> 一\\n\"}}");
    channel_request_clear (&request);
}

Test (channel_message, a_webhook_posts_the_alerts_signed)
{
    Shanhai__V1__Channel channel = s_channel ("webhook", "http://h/x", "key");
    json_t *alerts = json_array ();
    channel_request_t request;
    cr_assert_eq (channel_message_build (&channel, "T", NULL, 0, NULL, 0, alerts,
                                         1700000000000LL, &request), 0);
    cr_assert_str_eq (request.body, "[]");
    cr_assert_eq (request.header_count, 3);
    cr_assert_str_eq (request.headers[1], "X-Shanhai-Timestamp: 1700000000000");
    cr_assert (strstr (request.headers[2], "X-Shanhai-Signature: sha256="));
    channel_request_clear (&request);
    json_decref (alerts);
}

Test (channel_message, an_unknown_type_builds_nothing)
{
    Shanhai__V1__Channel channel = s_channel ("telegram", "http://h/x", "");
    channel_request_t request;
    cr_assert_eq (channel_message_build (&channel, "T", NULL, 0, NULL, 0, NULL, 1, &request), -1);
    cr_assert_null (request.body);
}

Test (channel_message, a_message_carries_what_fits)
{
    static char line[CHANNEL_LINE_BYTES_MAX];
    memset (line, 'x', sizeof line - 1);
    const char *lines[DELIVERY_MESSAGE_ALERTS_MAX + 1];
    for (size_t index = 0; index <= DELIVERY_MESSAGE_ALERTS_MAX; index++)
        lines[index] = line;
    // Four lines of 1,023 bytes exceed 4,096 with the title: three fit.
    cr_assert_eq (channel_message_fit ("wecom", "T", lines, 5), 3);
    cr_assert_eq (channel_message_fit ("dingtalk", "T", lines, 1), 1);
    cr_assert_eq (channel_message_fit ("wecom", "T", lines, 0), 0);
    const char *short_lines[DELIVERY_MESSAGE_ALERTS_MAX + 1];
    for (size_t index = 0; index <= DELIVERY_MESSAGE_ALERTS_MAX; index++)
        short_lines[index] = "a";
    cr_assert_eq (channel_message_fit ("wecom", "T", short_lines, DELIVERY_MESSAGE_ALERTS_MAX + 1),
                  DELIVERY_MESSAGE_ALERTS_MAX);
    cr_assert_eq (channel_message_fit ("webhook", "T", lines, DELIVERY_MESSAGE_ALERTS_MAX + 1),
                  DELIVERY_MESSAGE_ALERTS_MAX);
}

Test (channel_message, replies)
{
    char result[DELIVERY_RESULT_BYTES_MAX];
    const char *ok = "{\"errcode\":0,\"errmsg\":\"ok\"}";
    cr_assert (channel_message_accepted ("dingtalk", 200, ok, strlen (ok), result, sizeof result));
    cr_assert_str_eq (result, "HTTP 200");
    const char *refused = "{\"errcode\":310000,\"errmsg\":\"sign not match\\nmore\"}";
    cr_assert_not (channel_message_accepted ("dingtalk", 200, refused, strlen (refused), result,
                                             sizeof result));
    cr_assert_str_eq (result, "HTTP 200 errcode 310000: sign not match more");
    cr_assert_not (channel_message_accepted ("wecom", 200, "<html>", 6, result, sizeof result));
    cr_assert_str_eq (result, "HTTP 200 without an errcode");
    cr_assert_not (channel_message_accepted ("wecom", 503, ok, strlen (ok), result, sizeof result));
    cr_assert_str_eq (result, "HTTP 503");
    cr_assert (channel_message_accepted ("webhook", 204, "", 0, result, sizeof result));
    cr_assert_not (channel_message_accepted ("webhook", 500, "", 0, result, sizeof result));
}
