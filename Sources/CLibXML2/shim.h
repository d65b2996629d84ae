#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
/* xmlFree is a global function-pointer variable, which Swift 6 rejects as not concurrency-safe. */
static inline void clibxml2_free(void *p) { xmlFree(p); }
#endif
