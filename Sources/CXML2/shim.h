#ifndef PAYOUT_CXML2_SHIM_H
#define PAYOUT_CXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, whose headers clash with the copy of ICU inside
   Foundation. payout never touches the encoding handler structures that use it. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer in libxml2; a plain function is simpler to call. */
static inline void cxml2_free(void *pointer) {
    xmlFree(pointer);
}

/* libxml2 prints parse errors to stderr by default; answers are untrusted input, so the
   parser reports them through return values only. */
static void cxml2_silent_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

static inline void cxml2_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, cxml2_silent_error);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

#endif
