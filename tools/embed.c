/*
 * embed: turn a file into a C source defining `const char NAME_text[]` (NUL
 * terminated) and `const size_t NAME_len`. Build-time tool only.
 */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: embed INPUT OUTPUT SYMBOL\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    FILE *out = fopen(argv[2], "wb");
    if (!in || !out) {
        perror("embed");
        return 1;
    }
    fprintf(out, "/* Generated from %s by tools/embed.c. Do not edit. */\n", argv[1]);
    fprintf(out, "#include <stddef.h>\n");
    fprintf(out, "extern const char %s_text[];\nextern const size_t %s_len;\n", argv[3], argv[3]);
    fprintf(out, "const char %s_text[] = {", argv[3]);
    size_t n = 0;
    int c;
    while ((c = fgetc(in)) != EOF) {
        fprintf(out, "%s%d,", n % 20 == 0 ? "\n" : "", c);
        n++;
    }
    fprintf(out, "0};\nconst size_t %s_len = %zu;\n", argv[3], n);
    if (ferror(in) || fclose(out) != 0) {
        perror("embed");
        return 1;
    }
    fclose(in);
    return 0;
}
