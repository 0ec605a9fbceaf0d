# Writes OUTPUT, a C file holding the bytes of INPUT as gateway_dashboard_html (with a NUL
# after them) and their count as gateway_dashboard_html_size: the dashboard travels inside the
# binary, so the gateway serves it with no file to find. Run: cmake -DINPUT=.. -DOUTPUT=.. -P
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUTPUT} "/* Generated from ${INPUT} by embed.cmake: do not edit. */\n"
  "#include <stddef.h>\n"
  "extern const unsigned char gateway_dashboard_html[];\n"
  "extern const size_t gateway_dashboard_html_size;\n"
  "const unsigned char gateway_dashboard_html[] = {${bytes} 0};\n"
  "const size_t gateway_dashboard_html_size = ${size};\n")
