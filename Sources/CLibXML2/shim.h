#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
/* libxml2 is built with ICU here; its ICU headers clash with Foundation's own copy of ICU in any
   module that imports both. Tally never touches the ICU converter fields, so hide them. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
/* xmlFree is a global function-pointer variable, which Swift 6 rejects as not concurrency-safe. */
static inline void clibxml2_free(void *p) { xmlFree(p); }
#endif
