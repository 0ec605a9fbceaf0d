/*  The command line's shared rules: every option at most once, every error one printable
    line. Each test's stderr is captured and compared whole. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const struct option s_options[] = {
    { "pair", required_argument, NULL, 'p' }, { "json", no_argument, NULL, 'j' },
    { "person", required_argument, NULL, 'e' }, { NULL, 0, NULL, 0 },
};

static void
s_capture (void)
{
    cr_redirect_stderr ();
}

TestSuite (cli_options, .init = s_capture);

// Parses argv (NULL-terminated, argv[0] the subcommand) with s_options; returns what the last
// call of cli_option_next returned (-1 when every option was taken) and the vals in taken.
static int
s_parse (char **argv, char *taken, size_t taken_size)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    optind = 0;  // glibc: start again from scratch, whatever an earlier parse left
    cli_options_t parser = { .command = "test", .usage = "shanhai test", .options = s_options };
    size_t count = 0;
    int option;
    while ((option = cli_option_next (&parser, argc, argv)) != -1) {
        if (option == CLI_OPTION_REFUSED)
            break;
        cr_assert_lt (count + 1, taken_size);
        taken[count++] = (char) option;
    }
    taken[count] = '\0';
    return option;
}

Test (cli_options, each_option_once_is_taken)
{
    char taken[16];
    char *argv[] = { "test", "--pair", "hb-01", "operand", "--json", "--person=p1", NULL };
    cr_assert_eq (s_parse (argv, taken, sizeof taken), -1);
    cr_assert_str_eq (taken, "pje");
    cr_assert_str_eq (argv[optind], "operand", "operands come last");
    fflush (stderr);
    cr_assert_stderr_eq_str ("");
}

Test (cli_options, an_option_given_twice_is_refused_by_name)
{
    char taken[16];
    char *argv[] = { "test", "--pair", "hb-01", "--pair", "hb-02", NULL };
    cr_assert_eq (s_parse (argv, taken, sizeof taken), CLI_OPTION_REFUSED);
    cr_assert_str_eq (taken, "p", "the first was taken, the second refused");
    fflush (stderr);
    cr_assert_stderr_eq_str ("shanhai: test: --pair is given twice (usage: shanhai test)\n");
}

Test (cli_options, a_flag_given_twice_is_refused)
{
    char taken[16];
    char *argv[] = { "test", "--json", "--pair", "hb-01", "--json", NULL };
    cr_assert_eq (s_parse (argv, taken, sizeof taken), CLI_OPTION_REFUSED);
    fflush (stderr);
    cr_assert_stderr_eq_str ("shanhai: test: --json is given twice (usage: shanhai test)\n");
}

Test (cli_options, every_spelling_is_the_same_option)
{
    char taken[16];
    char *argv[] = { "test", "--pa", "hb-01", "--pair=hb-02", NULL };
    cr_assert_eq (s_parse (argv, taken, sizeof taken), CLI_OPTION_REFUSED);
    fflush (stderr);
    cr_assert_stderr_eq_str ("shanhai: test: --pair is given twice (usage: shanhai test)\n");
}

Test (cli_options, unknown_and_incomplete_options_are_named)
{
    char taken[16];
    char *unknown[] = { "test", "--pari", "hb-01", NULL };
    cr_assert_eq (s_parse (unknown, taken, sizeof taken), CLI_OPTION_REFUSED);
    char *incomplete[] = { "test", "--json", "--pair", NULL };
    cr_assert_eq (s_parse (incomplete, taken, sizeof taken), CLI_OPTION_REFUSED);
    char *ambiguous[] = { "test", "--p", "x", NULL };  // --person, or --pair? Neither.
    cr_assert_eq (s_parse (ambiguous, taken, sizeof taken), CLI_OPTION_REFUSED);
    fflush (stderr);
    cr_assert_stderr_eq_str (
        "shanhai: test: unknown or incomplete option '--pari' (usage: shanhai test)\n"
        "shanhai: test: unknown or incomplete option '--pair' (usage: shanhai test)\n"
        "shanhai: test: unknown or incomplete option '--p' (usage: shanhai test)\n");
}

Test (cli_options, a_refused_option_is_repeated_escaped)
{
    char taken[16];
    char *argv[] = { "test", "--pair\n\x1b[2J", NULL };
    cr_assert_eq (s_parse (argv, taken, sizeof taken), CLI_OPTION_REFUSED);
    fflush (stderr);
    cr_assert_stderr_eq_str ("shanhai: test: unknown or incomplete option '--pair\\x0a\\x1b[2J' "
                             "(usage: shanhai test)\n");
}

Test (cli_options, errors_are_one_printable_line)
{
    cr_assert_eq (cli_error ("ledger.Record: INVALID: %s", "memo \"a\nb\" \x1b[31mred\x9b"),
                  CLI_EXIT_FAILED);
    cr_assert_eq (cli_error ("备忘 %s", "中文 stays as it is"), CLI_EXIT_FAILED);
    cr_assert_eq (cli_usage ("shanhai x\n", "bad \xff byte"), CLI_EXIT_USAGE);
    fflush (stderr);
    cr_assert_stderr_eq_str (
        "shanhai: ledger.Record: INVALID: memo \"a\\x0ab\" \\x1b[31mred\\x9b\n"
        "shanhai: 备忘 中文 stays as it is\n"
        "shanhai: bad \\xff byte (usage: shanhai x\\x0a)\n");
}

Test (cli_options, a_long_error_is_printed_whole)
{
    char text[5000];
    memset (text, '\x01', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    cli_error ("%s", text);
    fflush (stderr);
    char expected[4 * sizeof text + 16] = "shanhai: ";
    for (size_t index = 0; index < sizeof text - 1; index++)
        strcat (expected + 9 + 4 * index, "\\x01");
    strcat (expected, "\n");
    cr_assert_stderr_eq_str (expected);
}
